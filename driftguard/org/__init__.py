"""Many accounts and regions: units of work, their discovery, sharding and scanning."""
