// TKJudges: see the module map in README.md.
enum TKJudgesModule {}
