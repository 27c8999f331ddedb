// TKServer: see the module map in README.md.
enum TKServerModule {}
