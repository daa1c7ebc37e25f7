#!/usr/bin/env bash
# Installs R and the R packages that re-create the reference values in tests/reference/.
# Needs root and apt-get (Debian/Ubuntu); elsewhere install the same packages from CRAN.
set -euo pipefail
packages="r-base-core r-cran-psych r-cran-psychtools r-cran-lavaan r-cran-semtools r-cran-gparotation r-cran-mclust r-cran-jsonlite r-cran-yaml"
if command -v Rscript >/dev/null 2>&1 && Rscript -e 'for (p in c("psych","psychTools","lavaan","semTools","GPArotation","mclust","jsonlite","yaml")) stopifnot(requireNamespace(p, quietly=TRUE))' >/dev/null 2>&1; then
  echo "R and its reference packages are installed."
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Cannot install R here (needs root and apt-get). Install: $packages" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $packages >/dev/null
echo "Installed $packages."
