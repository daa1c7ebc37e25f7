# Writes the public replication data sets shipped in datasets/public/ from the R packages that
# distribute them. Run from the repository root: Rscript datasets/public/export_from_r.R
suppressPackageStartupMessages({library(psychTools); library(lavaan); library(mclust)})
bfi <- psychTools::bfi
bfi <- cbind(id = as.integer(rownames(bfi)), bfi)
write.csv(bfi, "datasets/public/bfi.csv", row.names = FALSE, na = "")
hs <- lavaan::HolzingerSwineford1939
write.csv(hs, "datasets/public/holzinger_swineford_1939.csv", row.names = FALSE, na = "")
data(diabetes, package = "mclust")
write.csv(diabetes, "datasets/public/diabetes.csv", row.names = FALSE, na = "")
cat(sprintf("R %s, psychTools %s, lavaan %s, mclust %s\n", getRversion(),
            packageVersion("psychTools"), packageVersion("lavaan"), packageVersion("mclust")))
