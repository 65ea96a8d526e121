"""Reading a labelled numeric CSV the way the fraud scripts compare models: float64 then float32, as Remit's
CSV reader does, an empty cell missing."""
import numpy as np


def load(path, label_column="label"):
    """Features, labels and feature names of a CSV with a header row."""
    with open(path) as f:
        header = f.readline().strip().split(",")
    data = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=np.float64, missing_values="",
                         filling_values=np.nan).astype(np.float32)
    label = header.index(label_column)
    features = [c for c in range(len(header)) if c != label]
    return data[:, features], data[:, label], [header[c] for c in features]
