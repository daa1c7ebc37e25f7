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
RANDOM_STATE = 20261123

# %% [markdown]
# # Quickstart: from `pip install` to a validation report
#
# burnoutkit tells you whether a burnout questionnaire measures what it claims, with numbers
# you can defend in a paper. This notebook validates the built-in **Burnout Architecture
# Inventory** (BAI, 78 items) on the shipped **reference cohort** (3000 synthetic employees)
# in ten cells. It runs offline, in a minute or two.
#
# **Install.** From a copy of burnoutkit's source repository:
#
# ```bash
# pip install ".[notebooks]"                   # burnoutkit, JupyterLab and jupytext
# jupyter lab notebooks/01_quickstart.ipynb    # then run all cells
# ```
#
# (`pip install burnoutkit` installs the same package from a package index, if you use one
# that has it.) The cell tagged `parameters` above holds the seed of every random step.

# %%
import pandas as pd

import burnoutkit as bk

bk.__version__

# %% [markdown]
# **1. The item bank.** One YAML file defines the instrument: its scales, items, reverse keys,
# gain/loss pairs and response format (1-5). `bk.list_banks()` lists the built-in banks; your
# own is `bk.load_bank("my_bank.yaml")`.

# %%
bank = bk.load_bank("bai")
bank

# %% [markdown]
# **2. The data.** One row per respondent, one column per item, plus covariates: the language
# version of the form (`form`), and three outcomes. The cohort also has a two-week retest of
# 300 respondents.

# %%
cohort = bk.datasets.load_reference_cohort()
data = cohort.data
data[["id", "form", "ex1", "ex2", "ex3", "absence_days", "turnover_intention",
      "wellbeing"]].head()

# %% [markdown]
# **3. Check the responses.** Every answer is checked against the bank: unknown items,
# out-of-range values and duplicate ids stop here, with the row and column named. Nothing is
# dropped silently; missing answers are counted.

# %%
responses = bk.check_responses(bank, data, id_column="id")
responses.problem_counts()

# %% [markdown]
# **4. Validate.** One call runs the analyses of a validation study and rates each measurement
# property by the COSMIN criteria (`+` sufficient, `-` insufficient, `?` indeterminate):
# careless-responding screening and data quality, the factor structure (parallel analysis,
# EFA, the bank's CFA model and its rivals), internal consistency, measurement invariance
# across the two language versions (`group="form"`), test-retest reliability and measurement
# error (`retest=`), the gain/loss asymmetry hypotheses and criterion validity against the
# outcomes. On the full cohort this takes between about twenty seconds and two minutes,
# depending on the machine.

# %%
report = bk.validate(
    bank,
    responses,
    group="form",
    retest=cohort.retest,
    outcomes=["absence_days", "turnover_intention", "wellbeing"],
    random_state=RANDOM_STATE,
)
print(report)  # in a notebook, `report` alone shows the whole report

# %% [markdown]
# **5. The verdicts.** One row per measurement property: its rating, what it means in plain
# language, and (in the columns `evidence` and `criterion`, and in the saved report) the
# numbers behind it and the rule with its source.

# %%
pd.set_option("display.max_colwidth", 200)
report.properties[["property", "rating", "finding"]]

# %% [markdown]
# **6. The items.** Every item is judged too (loading, cross-loading, item-rest correlation,
# floor and ceiling, invariance); these are the ones to look at before the next version. The
# reference cohort knows its own problems: compare with the weak, cross-loading and
# non-invariant items its generating model planted (`cohort.truth.weak_items`,
# `cohort.truth.cross_loadings`, `cohort.truth.noninvariant_item`).

# %%
report.items.query("recommendation != 'keep'")[["item", "scale", "recommendation", "evidence"]]

# %% [markdown]
# **7. Save the report** as a self-contained HTML page to send to co-authors (`.md` and
# `.json` work too).

# %%
report.save("report.html")

# %% [markdown]
# From here: `notebooks/02_reliability` to `06` go deeper into each analysis, and
# `07_replication` shows burnoutkit's numbers next to R's (lavaan, psych, mclust). The same
# report from the command line: `burnoutkit validate bai answers.csv --id-column id --group
# form --out report.html`.

# %%
bk.show_versions()
