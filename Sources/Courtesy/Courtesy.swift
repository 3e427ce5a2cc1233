// The Courtesy module. See ../shared/ARCHITECTURE.md for what it holds and may import.
