// TKChatTemplate: see the module map in README.md.
enum TKChatTemplateModule {}
