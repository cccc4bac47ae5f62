"""`roost demo`: Roost at work on the standard library's own source tree, in one process tree."""
