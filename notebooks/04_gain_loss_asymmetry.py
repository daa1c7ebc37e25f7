# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
N_ROWS = 3000
MISSING = "listwise"

# %% [markdown]
# # Do losses gain on wins as burnout deepens?
#
# The asymmetry hypothesis says that as burnout deepens, wins register weakly while losses keep
# registering at full strength. Before a slope of "loss minus gain" on severity can go into a
# paper, the instrument has to earn it:
#
# 1. gain and loss sensitivity must be **separable** constructs,
# 2. matched pairs must put gain and loss on **one metric** (within-person invariance),
# 3. a general **response style** (acquiescence) must not pose as asymmetry,
# 4. the **index** must be reliable enough for what it is used for,
# 5. only then is the **severity gradient** interpretable.
#
# `bk.asymmetry` runs all five on the reference cohort, whose truth is known: the gain slope is
# -0.35 and the loss slope +0.10 per SD of latent severity.

# %%
import matplotlib.pyplot as plt
import pandas as pd

import burnoutkit as bk
from burnoutkit import plotting
from burnoutkit.datasets import load_reference_cohort

pd.set_option("display.max_colwidth", 300)
cohort = load_reference_cohort()
data = cohort.data.iloc[:N_ROWS]
bank = bk.load_bank("bai")
bank.pairs

# %%
res = bk.asymmetry(bank, data, missing=MISSING, profiles="profile" if "profile" in data
                   else None)
res.tidy()[["check", "verdict", "explanation"]]

# %% [markdown]
# ## The slopes, against the truth

# %%
res.slopes

# %%
res.method

# %%
res.index_summary.T

# %% [markdown]
# ## Figures

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
plotting.plot_sensitivity_by_severity(res, ax=axes[0])
plotting.plot_pair_dumbbell(res, ax=axes[1])
plt.tight_layout()

# %%
profiles = cohort.truth.respondents.set_index("id")["profile"]
with_profiles = data.assign(profile=data["id"].map(profiles).to_numpy())
res_p = bk.asymmetry(bank, with_profiles, missing=MISSING, profiles="profile")
plotting.plot_asymmetry_by_profile(res_p)

# %% [markdown]
# ## A bad bank: unmatched pairs
#
# Here three loss items are replaced by items of other scales (exhaustion, reduced efficacy,
# inhibitory control) and "paired" with gain items they are not twins of. The checks must
# refuse to interpret the asymmetry.

# %%
spec = bank.to_dict()
swap = {"ls4": "ex2", "ls5": "re2", "ls6": "ic1"}
for item in spec["items"]:
    if item["id"] in swap.values():
        item["scale"] = "ls"
    if item["id"] in swap:
        item["scale"] = "rg"
    if item.get("pair") in swap:
        item["pair"] = swap[item["pair"]]
bad_bank = bk.ItemBank.from_dict(spec, source="unmatched pairs")
import warnings

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    bad = bk.asymmetry(bad_bank, data, missing=MISSING)
print([str(w.message) for w in caught])
bad.tidy()[["check", "verdict", "explanation"]]

# %%
bad.interpretable

# %%
bk.show_versions()
