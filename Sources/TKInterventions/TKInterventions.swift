// TKInterventions: see the module map in README.md.
enum TKInterventionsModule {}
