"""Results as data: reading a JSON report back into a CheckResult (reader.py) and merging
the results of several shards or runs into one (merge.py). Output formats are report/'s."""
