# Reference values for notebooks/07_replication.py (checked by tests/test_notebooks.py): the
# published mclust example on the diabetes data (Scrucca, Fop, Murphy & Raftery, 2016):
# mclustBIC on glucose, insulin and sspg, and the classification of the best model against the
# clinical classes.
# Run from the repository root: Rscript tests/reference/replication_mclust_diabetes.R [out.json]
# Writes tests/reference/replication_mclust_diabetes.json unless a path is given.
suppressPackageStartupMessages({library(mclust); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
out_path <- if (length(args)) args[1] else "tests/reference/replication_mclust_diabetes.json"
diabetes <- read.csv("datasets/public/diabetes.csv")
x <- diabetes[, c("glucose", "insulin", "sspg")]

bic <- mclustBIC(x)
top <- summary(bic)  # the three best models, as the paper prints them
best <- Mclust(x, x = bic)
tight <- Mclust(x, G = 3, modelNames = "VVV",
                control = emControl(tol = c(1e-11, sqrt(.Machine$double.eps))))
tab <- table(diabetes$class, best$classification)

out <- list(
  top_models = names(top), top_bic = as.numeric(top),
  best = list(model = best$modelName, G = best$G, bic = best$bic, loglik = best$loglik),
  best_converged = list(bic = tight$bic, loglik = tight$loglik),
  classification = list(classes = rownames(tab), counts = lapply(rownames(tab),
                                                                 function(r) unname(tab[r, ]))),
  versions = list(R = as.character(getRversion()), mclust = as.character(packageVersion("mclust"))))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", na = "null"), out_path)
