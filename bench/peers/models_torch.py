"""PyTorch side of bench/models.ts: one training step of one of its five models (the same
definitions as bench/models/*.ts), timed in this process; prints `RESULT {json}` with the median
seconds per step and the peak RSS (resource.getrusage). Run with /usr/bin/python3 (Debian's
PyTorch 1.13); bench/models.ts runs it once per model, thread count and round.

    /usr/bin/python3 bench/peers/models_torch.py --model mnist-cnn --threads 1 --steps 8

PyTorch 1.13 has no public F.scaled_dot_product_attention: the nanoGPT-style model uses nanoGPT's
own fallback (softmax(q k^T / sqrt(d), causal mask) v), as nanoGPT does on torch < 2.0.
"""
import argparse
import json
import math
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument('--model', required=True)
p.add_argument('--threads', type=int, default=1)
p.add_argument('--steps', type=int, default=10)
p.add_argument('--warmup', type=int, default=3)
p.add_argument('--warmup-s', type=float, default=0.0)  # and at least this long (bench/models.ts)
p.add_argument('--measure-s', type=float, default=0.0)  # measured steps span at least this long
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)


def simplenet():
    m = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    o = torch.optim.SGD(m.parameters(), lr=0.01)
    x, y = torch.rand(64, 784), torch.randint(0, 10, (64,))
    return lambda: (o.zero_grad(), F.cross_entropy(m(x), y)), o


def quickstart():
    m = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    o = torch.optim.SGD(m.parameters(), lr=1e-3)
    x, y = torch.rand(64, 1, 28, 28), torch.randint(0, 10, (64,))
    return lambda: (o.zero_grad(), F.cross_entropy(m(x), y)), o


class Net(nn.Module):  # pytorch/examples mnist/main.py
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv2(F.relu(self.conv1(x))))
        x = self.dropout1(F.max_pool2d(x, 2))
        x = self.dropout2(F.relu(self.fc1(torch.flatten(x, 1))))
        return F.log_softmax(self.fc2(x), dim=1)


def cnn():
    m = Net()
    m.train()
    o = torch.optim.Adadelta(m.parameters(), lr=1.0)
    x, y = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))
    return lambda: (o.zero_grad(), F.nll_loss(m(x), y)), o


V, C, NH, T, B, NL = 65, 64, 4, 32, 16, 2


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(C)
        self.c_attn = nn.Linear(C, 3 * C)
        self.c_proj = nn.Linear(C, C)
        self.ln2 = nn.LayerNorm(C)
        self.fc = nn.Linear(C, 4 * C)
        self.proj = nn.Linear(4 * C, C)
        self.register_buffer('mask', torch.tril(torch.ones(T, T)).view(1, 1, T, T))

    def forward(self, x):
        q, k, v = self.c_attn(self.ln1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, NH, C // NH).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // NH))
        att = F.softmax(att.masked_fill(self.mask == 0, float('-inf')), dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        x = x + self.c_proj(y)
        return x + self.proj(F.gelu(self.fc(self.ln2(x))))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(T, C)
        self.h = nn.ModuleList([Block() for _ in range(NL)])
        self.ln_f = nn.LayerNorm(C)
        self.lm_head = nn.Linear(C, V, bias=False)
        self.register_buffer('pos', torch.arange(T))

    def forward(self, idx):
        x = self.wte(idx) + self.wpe(self.pos)
        for b in self.h:
            x = b(x)
        return self.lm_head(self.ln_f(x))


def nanogpt():
    m = GPT()
    o = torch.optim.AdamW(m.parameters(), lr=1e-3)
    x, y = torch.randint(0, V, (B, T)), torch.randint(0, V, (B, T))
    return lambda: (o.zero_grad(), F.cross_entropy(m(x).view(B * T, V), y.view(B * T))), o


class LM(nn.Module):  # pytorch/examples word_language_model, bench/lstm.ts's sizes
    def __init__(self, v=10000, e=200, h=200, n=2):
        super().__init__()
        self.encoder = nn.Embedding(v, e)
        self.rnn = nn.LSTM(e, h, n)
        self.decoder = nn.Linear(h, v)
        self.h = h

    def forward(self, x):
        out, _ = self.rnn(self.encoder(x))
        return self.decoder(out.reshape(-1, self.h))


def lstm():
    m = LM()
    o = torch.optim.SGD(m.parameters(), lr=0.1)
    x, y = torch.randint(0, 10000, (35, 20)), torch.randint(0, 10000, (35 * 20,))
    return lambda: (o.zero_grad(), F.cross_entropy(m(x), y)), o


forward, opt = {'simplenet': simplenet, 'quickstart': quickstart, 'mnist-cnn': cnn, 'nanogpt': nanogpt,
                'lstm-lm': lstm}[a.model]()
ts, cpu = [], []
# Warm-up: at least --warmup steps and --warmup-s seconds, as torchts's worker (bench/models.ts).
w0 = time.perf_counter()
warm = 0
while warm < a.warmup or time.perf_counter() - w0 < a.warmup_s:
    _, loss = forward()
    loss.backward()
    opt.step()
    loss.item()
    warm += 1
m0 = time.perf_counter()
i = 0
while i < a.steps or time.perf_counter() - m0 < a.measure_s:
    i += 1
    c0 = time.process_time()
    t0 = time.perf_counter()
    _, loss = forward()
    loss.backward()
    opt.step()
    loss.item()
    ts.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
ts = sorted(ts)
cpu = sorted(cpu)
print('RESULT ' + json.dumps({'secPerStep': ts[len(ts) // 2], 'cpuPerStep': cpu[len(cpu) // 2], 'threads': torch.get_num_threads(),
                              'rssMiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
