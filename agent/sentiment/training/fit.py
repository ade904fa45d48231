"""Fitting the reader's heads: logistic regression on the features, and adaptation to a team.

``fit_head`` fits a head from scratch (scikit-learn, class-balanced). ``adapt_head`` fits the same
head to a team's own messages while keeping it close to the shipped weights: the penalty pulls
each weight towards its shipped value rather than towards zero, so a few hundred messages move the
reader where the team's language differs and leave what the base data taught elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from agent.sentiment.cues import detect
from agent.sentiment.features import HASH_SIZE, N_FEATURES, featurize, hashed_weight
from agent.sentiment.model import LinearHead
from agent.sentiment.training.data import Example, LabelledDataError

Vectors = npt.NDArray[np.float32]


def design_matrix(texts: Sequence[str], vectors: Vectors | None = None, scale: float = 1.0) -> Any:
    """The sparse (rows x features) matrix a head is fitted on, made by the inference code.

    With ``vectors`` the sentence vectors (times ``scale``: their weight against the n-grams
    under one penalty) follow the n-gram and cue columns, as a joint head reads them.
    """
    from scipy.sparse import csr_matrix, hstack

    indptr, indices, values = [0], [], []
    for text in texts:
        features = featurize(text, detect(text))
        weight = hashed_weight(len(features.buckets))
        indices.extend(features.buckets)
        values.extend([weight] * len(features.buckets))
        for offset, value in enumerate(features.dense):
            if value:
                indices.append(HASH_SIZE + offset)
                values.append(value)
        indptr.append(len(indices))
    matrix = csr_matrix(
        (np.asarray(values, dtype=np.float32), np.asarray(indices), np.asarray(indptr)),
        shape=(len(indptr) - 1, N_FEATURES),
    )
    if vectors is None:
        return matrix
    return hstack([matrix, csr_matrix(np.asarray(vectors, dtype=np.float32) * scale)]).tocsr()


def targets(examples: Sequence[Example], classes: Sequence[str]) -> npt.NDArray[np.int64]:
    if "anger" in classes:
        return np.asarray([0 if e.angry else 1 for e in examples])
    return np.asarray([classes.index(e.label) for e in examples])


def balanced_weights(y: npt.NDArray[np.int64], weights: Sequence[float], n_classes: int) -> Any:
    """Sample weights times the class weights that make every class count the same in total."""
    w = np.asarray(weights, dtype=np.float64)
    totals = np.bincount(y, weights=w, minlength=n_classes)
    present = totals > 0
    factor = np.zeros(n_classes)
    factor[present] = w.sum() / (present.sum() * totals[present])
    return w * factor[y]


def _split(classes: Sequence[str], coef: Any, intercept: Any, dim: int, scale: float) -> LinearHead:
    coef = np.asarray(coef, dtype=np.float32)
    return LinearHead(
        classes=tuple(classes),
        weights=np.ascontiguousarray(coef[:, :N_FEATURES]),
        bias=np.asarray(intercept, dtype=np.float32),
        # The scale is folded into the weights: inference multiplies by the raw vector.
        vector_weights=np.ascontiguousarray(coef[:, N_FEATURES:] * scale) if dim else None,
    )


def fit_head(
    matrix: Any,
    examples: Sequence[Example],
    classes: Sequence[str],
    *,
    c: float,
    dim: int = 0,
    scale: float = 1.0,
    skip_hashed: bool = False,
) -> LinearHead:
    """A class-balanced multinomial logistic regression on ``matrix`` (from ``design_matrix``).

    ``skip_hashed`` fits only the cue, shape and vector columns (the n-gram weights stay zero):
    a joint head whose vector already carries the words, fitted in seconds rather than minutes.
    """
    from sklearn.linear_model import LogisticRegression

    y = targets(examples, classes)
    if len(set(y.tolist())) < 2:
        raise LabelledDataError("training needs at least two different labels")
    weights = balanced_weights(y, [e.weight for e in examples], len(classes))
    fitted = LogisticRegression(C=c, max_iter=3000)
    fitted.fit(matrix[:, HASH_SIZE:].toarray() if skip_hashed else matrix, y, sample_weight=weights)
    coef = np.full((len(classes), matrix.shape[1]), 0.0)
    bias = np.full(len(classes), -20.0)  # a class absent from the data
    if len(fitted.classes_) == 2:
        # scikit-learn fits one row for two classes: split it symmetrically into two.
        rows = np.vstack([-fitted.coef_[0] / 2, fitted.coef_[0] / 2])
        biases = np.asarray([-fitted.intercept_[0] / 2, fitted.intercept_[0] / 2])
    else:
        rows, biases = fitted.coef_, fitted.intercept_
    for row, cls in enumerate(fitted.classes_):
        coef[cls, HASH_SIZE if skip_hashed else 0 :], bias[cls] = rows[row], biases[row]
    return _split(classes, coef, bias, dim, scale)


def adapt_head(
    base: LinearHead,
    matrix: Any,
    examples: Sequence[Example],
    *,
    strength: float,
    scale: float = 1.0,
) -> LinearHead:
    """``base`` refitted to ``examples`` with an L2 pull of ``strength`` towards its weights.

    ``matrix`` holds the vector columns times ``scale`` when ``base`` is a joint head.
    """
    from scipy.optimize import minimize

    classes = base.classes
    y = targets(examples, classes)
    weights = balanced_weights(y, [e.weight for e in examples], len(classes))
    weights /= weights.sum()
    start = np.hstack(
        [base.weights] + ([base.vector_weights / scale] if base.vector_weights is not None else [])
    ).astype(np.float64)
    start = np.hstack([start, base.bias[:, None].astype(np.float64)])
    shape = start.shape
    onehot = np.eye(len(classes))[y]
    matrix_t = matrix.T.tocsr()

    def loss(flat: Any) -> tuple[float, Any]:
        params = flat.reshape(shape)
        logits = matrix @ params[:, :-1].T + params[:, -1]
        logits -= logits.max(axis=1, keepdims=True)
        log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        drift = params - start
        value = -(weights * (onehot * log_p).sum(axis=1)).sum() + 0.5 * strength * (drift**2).sum()
        residual = (np.exp(log_p) - onehot) * weights[:, None]
        grad = np.hstack([(matrix_t @ residual).T, residual.sum(axis=0)[:, None]])
        return float(value), (grad + strength * drift).ravel()

    found = minimize(loss, start.ravel(), jac=True, method="L-BFGS-B", options={"maxiter": 200})
    params = found.x.reshape(shape)
    dim = 0 if base.vector_weights is None else base.vector_weights.shape[1]
    return _split(classes, params[:, :-1], params[:, -1], dim, scale)


def blend(plain: LinearHead, joint: LinearHead, share: float) -> LinearHead:
    """One head whose logits are ``share`` x the plain head's plus the rest x the joint head's.

    Both are linear in the same features, so averaging their logits (a product of the two
    experts' probabilities, tempered) is itself one linear head: the n-grams of the plain head and
    the sentence vector of the joint head read together at the cost of one.
    """
    assert joint.vector_weights is not None and plain.classes == joint.classes
    return LinearHead(
        classes=joint.classes,
        weights=(share * plain.weights + (1 - share) * joint.weights).astype(np.float32),
        bias=(share * plain.bias + (1 - share) * joint.bias).astype(np.float32),
        vector_weights=((1 - share) * joint.vector_weights).astype(np.float32),
    )
