# Parameter counts of the three CFA models the BAI item bank emits, as lavaan counts them.
#
# The models are the bank's own output, stored in tests/reference/bai_models/*.lav (the Python
# test checks that burnoutkit still emits exactly that text; to regenerate them after a deliberate
# change, run in Python:
#   import burnoutkit as bk
#   for s in ("correlated", "higher_order", "bifactor"):
#       open(f"tests/reference/bai_models/{s}.lav", "w").write(bk.load_bank("bai").to_lavaan(s))
# ). This script parses each file with lavaan's own parser, with the defaults of lavaan::cfa()
# (no data needed), and writes the counts to tests/reference/bank_lavaan_syntax.json. Intercepts
# are left out (meanstructure = FALSE, cfa()'s default for complete continuous data).
#
# Run from the repository root:  Rscript tests/reference/bank_lavaan_syntax.R [out.json [model_dir]]
# (every *.lav file in model_dir is parsed; its counts are stored under the file's name).
# R call: lavaan::lavaanify(model, model.type = "cfa", <the auto.* flags that lavaan::cfa() sets>)

suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[[1]] else "tests/reference/bank_lavaan_syntax.json"
model_dir <- if (length(args) >= 2) args[[2]] else "tests/reference/bai_models"

count_parameters <- function(path) {
  model <- paste(readLines(path, warn = FALSE), collapse = "\n")
  # The flags lavaan::cfa() sets before calling lavaan() (see body(lavaan::cfa)); lavaanify's own
  # auto = TRUE applies only to model.type = "sem".
  pt <- lavaanify(
    model, model.type = "cfa", int.ov.free = TRUE, int.lv.free = FALSE,
    auto.fix.first = TRUE, auto.fix.single = TRUE, auto.var = TRUE, auto.cov.lv.x = TRUE,
    auto.cov.y = TRUE, auto.th = TRUE, auto.delta = TRUE, auto.efa = TRUE
  )
  free <- pt[pt$free > 0, ]
  list(
    n_free = nrow(free),
    n_equality_constraints = sum(pt$op == "=="),
    n_free_loadings = sum(free$op == "=~"),
    n_free_variances = sum(free$op == "~~" & free$lhs == free$rhs),
    n_free_covariances = sum(free$op == "~~" & free$lhs != free$rhs),
    n_fixed_zero_covariances = sum(pt$op == "~~" & pt$lhs != pt$rhs & pt$free == 0 &
                                     !is.na(pt$ustart) & pt$ustart == 0),
    n_latent = length(lavNames(pt, "lv")),
    n_observed = length(lavNames(pt, "ov"))
  )
}

files <- sort(list.files(model_dir, pattern = "[.]lav$", full.names = TRUE))
models <- lapply(files, count_parameters)
names(models) <- sub("[.]lav$", "", basename(files))

result <- list(
  call = paste(
    "lavaan::lavaanify(model, model.type = \"cfa\", int.ov.free = TRUE, int.lv.free = FALSE,",
    "auto.fix.first = TRUE, auto.fix.single = TRUE, auto.var = TRUE, auto.cov.lv.x = TRUE,",
    "auto.cov.y = TRUE, auto.th = TRUE, auto.delta = TRUE, auto.efa = TRUE)"
  ),
  r_version = R.version.string,
  lavaan_version = as.character(packageVersion("lavaan")),
  models = models
)
writeLines(toJSON(result, auto_unbox = TRUE, pretty = TRUE), out)
