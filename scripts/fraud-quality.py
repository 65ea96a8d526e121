"""Quality of a Remit fraud model against xgboost trained on the same rows.

Usage: fraud-quality.py TRAIN.csv TEST.csv REMIT_MODEL.json [--trees 200 --max-depth 6 --eta 0.1]
Scores TEST with Remit's model through xgboost (which loads it) and trains xgboost on TRAIN with the same
hyper-parameters; prints AUC, PR-AUC (average precision) and precision/recall at 0.7 and 0.9 for both.
"""
import argparse

import numpy as np
import xgboost as xgb

from labelled_csv import load


def metrics(scores, labels):
    order = np.argsort(-scores, kind="mergesort")
    s, y = scores[order], labels[order]
    positives = y.sum()
    negatives = len(y) - positives
    area = tp = fp = ap = 0.0
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        gp = y[i:j].sum()
        gn = (j - i) - gp
        area += gn * (tp + gp / 2)
        tp += gp
        fp += gn
        if gp > 0:
            ap += gp / positives * tp / (tp + fp)
        i = j
    out = [f"AUC {area / (positives * negatives):.4f}", f"PR-AUC {ap:.4f}"]
    for t in (0.7, 0.9):
        flagged = scores >= t
        hits = (flagged & (labels == 1)).sum()
        out.append(f"@{t}: precision {hits / max(flagged.sum(), 1):.3f} recall {hits / positives:.3f}")
    return ", ".join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("train")
    parser.add_argument("test")
    parser.add_argument("model")
    parser.add_argument("--trees", type=int, default=200)
    parser.add_argument("--max-depth", type=int, default=6)
    parser.add_argument("--eta", type=float, default=0.1)
    args = parser.parse_args()
    X, y, names = load(args.train)
    Xt, yt, _ = load(args.test)
    test = xgb.DMatrix(Xt, feature_names=names)
    remit = xgb.Booster(model_file=args.model)
    print(f"Remit   ({len(X)} training rows, {len(Xt)} test rows): {metrics(remit.predict(test), yt)}")
    reference = xgb.train({"objective": "binary:logistic", "tree_method": "hist", "max_depth": args.max_depth,
                           "eta": args.eta, "nthread": 1}, xgb.DMatrix(X, label=y, feature_names=names), args.trees)
    print(f"xgboost {xgb.__version__}: {metrics(reference.predict(test), yt)}")


if __name__ == "__main__":
    main()
