"""Remit's gradient-boosted trees against xgboost itself, through the `remit fraud` commands.

xgboost (PyPI) is the oracle: it trains models of several shapes, Remit scores them row by row
(`remit fraud predict`), and the margins, probabilities and TreeSHAP contributions must match. The other
way round, a model `remit fraud train` writes must load in xgboost, predict the same, and be as good.
"""
import csv
import os
import subprocess

import numpy as np
import pytest
import xgboost as xgb

from server import REMIT_BIN

FEATURES = [f"x{i}" for i in range(8)]


def make_data(rows, seed, missing=0.15, categorical=False):
    """Non-linear signal over 8 features, some noise-only, with missing values everywhere."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, len(FEATURES))).astype(np.float32)
    if categorical:
        X[:, 7] = rng.integers(0, 12, size=rows)
    logit = 1.5 * X[:, 0] - X[:, 1] ** 2 + 2.0 * (X[:, 2] > 0.8) * X[:, 3] - 2.5
    if categorical:
        logit += np.isin(X[:, 7], [1, 4, 9]) * 2.0
    y = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(np.float32)
    X[rng.random(X.shape) < missing] = np.nan
    return X, y


def write_csv(path, X, y=None):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id"] + FEATURES + ([] if y is None else ["label"]))
        for i, row in enumerate(X):
            cells = ["" if np.isnan(v) else repr(float(v)) for v in row]
            w.writerow([f"row{i}"] + cells + ([] if y is None else [int(y[i])]))


def remit(*args):
    done = subprocess.run([REMIT_BIN, "fraud", *args], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def remit_scores(tmp_path, model_path, X, explain=True, method="automatic"):
    source, scored = tmp_path / "rows.csv", tmp_path / "scored.csv"
    write_csv(source, X)
    args = ["predict", "--model", str(model_path), "--input", str(source), "--output", str(scored), "--margin"]
    remit(*(args + (["--explain", "--explain-method", method] if explain else [])))
    with open(scored) as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in rows] == [f"row{i}" for i in range(len(X))], "one output row per input row, in order"
    score = np.array([float(r["score"]) for r in rows])
    margin = np.array([float(r["margin"]) for r in rows], dtype=np.float32)
    contribs = None
    if explain:
        names = [f"contrib_{n}" for n in FEATURES] + ["contrib_bias"]
        contribs = np.array([[float(r[n]) for n in names] for r in rows])
    return score, margin, contribs


VARIANTS = {
    "depth6_200_trees": dict(params={"max_depth": 6, "eta": 0.1}, rounds=200),
    "scale_pos_weight": dict(params={"max_depth": 4, "scale_pos_weight": 10}, rounds=60),
    "lossguide": dict(params={"grow_policy": "lossguide", "max_leaves": 31, "max_depth": 0}, rounds=60),
    "random_forest_rounds": dict(params={"num_parallel_tree": 3, "subsample": 0.7, "colsample_bynode": 0.8}, rounds=30),
    "base_score": dict(params={"base_score": 0.02, "max_depth": 3}, rounds=40),
    "categorical": dict(params={"max_depth": 5, "max_cat_to_onehot": 1}, rounds=50, categorical=True),
    "logitraw": dict(params={"objective": "binary:logitraw", "max_depth": 4}, rounds=40),
}


# automatic: the leaf-subset table precomputed per model (Fast TreeSHAP v2); recursive: path-dependent TreeSHAP.
@pytest.mark.parametrize("method", ["automatic", "recursive"])
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_scores_and_contributions_match_xgboost(tmp_path, name, method):
    variant = VARIANTS[name]
    categorical = variant.get("categorical", False)
    X, y = make_data(6000, seed=11, categorical=categorical)
    Xt, _ = make_data(1500, seed=12, categorical=categorical)
    types = ["q"] * 7 + ["c" if categorical else "q"]
    params = {"objective": "binary:logistic", "tree_method": "hist", "seed": 3, **variant["params"]}
    booster = xgb.train(params, xgb.DMatrix(X, label=y, feature_names=FEATURES, feature_types=types,
                                            enable_categorical=categorical), variant["rounds"])
    model_path = tmp_path / "model.json"
    booster.save_model(str(model_path))
    test = xgb.DMatrix(Xt, feature_names=FEATURES, feature_types=types, enable_categorical=categorical)

    score, margin, contribs = remit_scores(tmp_path, model_path, Xt, method=method)
    expected_margin = booster.predict(test, output_margin=True)
    expected = booster.predict(test)
    assert np.array_equal(margin, expected_margin), f"margins differ by {np.abs(margin - expected_margin).max()}"
    assert np.abs(score - expected).max() <= 1e-6
    expected_contribs = booster.predict(test, pred_contribs=True)
    assert np.abs(contribs - expected_contribs).max() <= 1e-5


def test_early_stopping_scores_with_the_best_iteration(tmp_path):
    X, y = make_data(6000, seed=21)
    Xv, yv = make_data(2000, seed=22)
    Xt, _ = make_data(1000, seed=23)
    booster = xgb.train({"objective": "binary:logistic", "eta": 0.5, "max_depth": 6},
                        xgb.DMatrix(X, label=y, feature_names=FEATURES), 300,
                        evals=[(xgb.DMatrix(Xv, label=yv, feature_names=FEATURES), "validation")], early_stopping_rounds=5,
                        verbose_eval=False)
    assert booster.best_iteration < 299
    model_path = tmp_path / "model.json"
    booster.save_model(str(model_path))
    score, _, _ = remit_scores(tmp_path, model_path, Xt, explain=False)
    expected = booster.predict(xgb.DMatrix(Xt, feature_names=FEATURES), iteration_range=(0, booster.best_iteration + 1))
    assert np.abs(score - expected).max() <= 1e-6


def auc(scores, labels):
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):  # average ranks over ties
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    positives = labels.sum()
    return (ranks[labels == 1].sum() - positives * (positives + 1) / 2) / (positives * (len(labels) - positives))


@pytest.mark.parametrize("extra", [[], ["--subsample", "0.8", "--colsample-bytree", "0.75", "--seed", "7", "--threads", "2"],
                                   ["--scale-pos-weight", "5", "--max-depth", "4"]])
def test_trained_model_loads_in_xgboost_and_is_as_good(tmp_path, extra):
    X, y = make_data(40000, seed=31)
    Xt, yt = make_data(10000, seed=32)
    train_csv = tmp_path / "train.csv"
    write_csv(train_csv, X, y)
    model_path = tmp_path / "remit.json"
    # The id column is not numeric: train reads every column, so give it only numbers.
    numeric_csv = tmp_path / "train_numeric.csv"
    with open(train_csv) as src, open(numeric_csv, "w") as dst:
        for line in src:
            dst.write(line.split(",", 1)[1])
    out = remit("train", "--input", str(numeric_csv), "--output", str(model_path), "--trees", "100",
                "--eta", "0.1", *extra)
    assert "round 100/100" in out

    ours = xgb.Booster(model_file=str(model_path))
    assert ours.feature_names == FEATURES
    test = xgb.DMatrix(Xt, feature_names=FEATURES)
    remit_score, _, _ = remit_scores(tmp_path, model_path, Xt, explain=False)
    assert np.abs(ours.predict(test) - remit_score).max() <= 1e-6, "xgboost scores Remit's model as Remit does"

    params = {"objective": "binary:logistic", "tree_method": "hist", "eta": 0.1, "seed": 7}
    flags = dict(zip(extra[::2], extra[1::2]))
    for flag, key in [("--subsample", "subsample"), ("--colsample-bytree", "colsample_bytree"),
                      ("--scale-pos-weight", "scale_pos_weight"), ("--max-depth", "max_depth")]:
        if flag in flags:
            params[key] = float(flags[flag]) if "." in flags[flag] or key == "scale_pos_weight" else int(flags[flag])
    reference = xgb.train(params, xgb.DMatrix(X, label=y, feature_names=FEATURES), 100)
    ours_auc, theirs_auc = auc(remit_score, yt), auc(reference.predict(test), yt)
    assert abs(ours_auc - theirs_auc) < 0.005, f"Remit AUC {ours_auc:.4f}, xgboost {theirs_auc:.4f}"


def test_bad_input_is_refused_with_the_reason(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x0,label\n1.5,1\nabc,0\n")
    done = subprocess.run([REMIT_BIN, "fraud", "train", "--input", str(bad), "--output", str(tmp_path / "m.json")],
                          capture_output=True, text=True)
    assert done.returncode != 0
    assert "line 3" in done.stderr and "abc" in done.stderr
    assert not os.path.exists(tmp_path / "m.json")
