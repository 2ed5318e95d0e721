"""Areas, units, party cells, enterprise surveys and targets."""
