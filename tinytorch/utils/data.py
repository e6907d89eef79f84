"""Dataset, TensorDataset, DataLoader."""
