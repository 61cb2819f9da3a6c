"""The pack verification screen (issue 9)."""
