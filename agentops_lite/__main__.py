"""`python -m agentops_lite` entry point."""

from agentops_lite.entry import main

if __name__ == "__main__":
    main()
