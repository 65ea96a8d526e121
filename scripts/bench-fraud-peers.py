"""The peers of `remit bench fraud`, measured on the same rows: xgboost and LightGBM.

Usage: bench-fraud-peers.py TRAIN.csv TEST.csv [--trees 200] [--max-depth 6] [--eta 0.1] [--threads 1]
Prints training time, AUC, single-row scoring p50/p99, TreeSHAP per row (xgboost pred_contribs) and batch
throughput, in the same words as `remit bench fraud`.
"""
import argparse
import time

import numpy as np

from labelled_csv import load


def percentiles(samples, unit, suffix):
    s = np.sort(np.array(samples))
    pick = lambda q: s[min(len(s) - 1, int(np.ceil(q * len(s))) - 1)] / unit
    return (f"p50 {pick(0.5):.2f}{suffix}, p99 {pick(0.99):.2f}{suffix}, p99.9 {pick(0.999):.2f}{suffix}, "
            f"max {s[-1] / unit:.2f}{suffix}")


def auc(scores, labels):
    order = np.argsort(-scores, kind="mergesort")
    s, y = scores[order], labels[order]
    positives, negatives = y.sum(), len(y) - y.sum()
    area, tp, i = 0.0, 0.0, 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        gp = y[i:j].sum()
        area += (j - i - gp) * (tp + gp / 2)
        tp += gp
        i = j
    return area / (positives * negatives)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("train")
    parser.add_argument("test")
    parser.add_argument("--trees", type=int, default=200)
    parser.add_argument("--max-depth", type=int, default=6)
    parser.add_argument("--eta", type=float, default=0.1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--calls", type=int, default=10000)
    parser.add_argument("--explained", type=int, default=1000)
    args = parser.parse_args()
    X, y, names = load(args.train)
    Xt, yt, _ = load(args.test)
    print(f"data: {len(X)} training rows, {len(Xt)} test rows, {X.shape[1]} features")

    import xgboost as xgb
    params = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": args.max_depth, "eta": args.eta,
              "nthread": args.threads, "max_bin": 256}
    start = time.perf_counter()
    dtrain = xgb.DMatrix(X, label=y, feature_names=names, nthread=args.threads)
    booster = xgb.train(params, dtrain, args.trees)
    print(f"xgboost {xgb.__version__} training: {args.trees} trees, depth {args.max_depth}, {args.threads} thread(s): "
          f"{time.perf_counter() - start:.2f}s (DMatrix included)")
    dtest = xgb.DMatrix(Xt, feature_names=names, nthread=args.threads)
    start = time.perf_counter()
    scores = booster.predict(dtest)
    print(f"xgboost batch scoring: {len(Xt) / (time.perf_counter() - start) / 1e6:.2f} M rows/s")
    print(f"xgboost AUC {auc(scores, yt):.4f}")
    booster.set_param({"nthread": 1})
    timings = []
    for i in range(args.calls):
        row = Xt[i % len(Xt)].reshape(1, -1)
        t = time.perf_counter()
        booster.inplace_predict(row)
        timings.append(time.perf_counter() - t)
    print(f"xgboost single-row inplace_predict, {args.calls} calls: {percentiles(timings, 1e-6, 'µs')}")
    timings = []
    for i in range(args.explained):
        d = xgb.DMatrix(Xt[i:i + 1], feature_names=names)
        t = time.perf_counter()
        booster.predict(d, pred_contribs=True)
        timings.append(time.perf_counter() - t)
    print(f"xgboost pred_contribs per row, {args.explained} rows: {percentiles(timings, 1e-3, 'ms')}")

    try:
        import lightgbm as lgb
    except ImportError:
        print("LightGBM not installed: skipped")
        return
    start = time.perf_counter()
    model = lgb.train({"objective": "binary", "num_leaves": 63, "max_depth": args.max_depth, "learning_rate": args.eta,
                       "num_threads": args.threads, "max_bin": 255, "verbose": -1},
                      lgb.Dataset(X, label=y, feature_name=names), args.trees)
    print(f"LightGBM {lgb.__version__} training: {args.trees} trees, depth {args.max_depth}, {args.threads} thread(s): "
          f"{time.perf_counter() - start:.2f}s")
    print(f"LightGBM AUC {auc(model.predict(Xt, num_threads=args.threads), yt):.4f}")
    timings = []
    for i in range(args.calls):
        row = Xt[i % len(Xt)].reshape(1, -1)
        t = time.perf_counter()
        model.predict(row, num_threads=1)
        timings.append(time.perf_counter() - t)
    print(f"LightGBM single-row predict, {args.calls} calls: {percentiles(timings, 1e-6, 'µs')}")


if __name__ == "__main__":
    main()
