"""Small, dependency-free building blocks that every capability in core shares."""
