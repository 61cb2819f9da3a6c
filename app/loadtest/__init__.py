"""Load proof (issue 8, item 1): many station processes claim, pick, pack and label orders on one database
through the same services the app uses, and the invariants are checked with SQL afterwards. No Qt."""
