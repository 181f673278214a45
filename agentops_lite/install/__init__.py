"""Installing plans natively: dependency resolution, semver ranges, install commands."""
