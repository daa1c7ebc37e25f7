# A JSON writer at full precision (17 significant digits) shared by the reference scripts.
# Data frames and matrices become {rownames, columns, data (one array per column)}; NA is null.
num_json <- function(v) {
  vapply(v, function(z) {
    if (is.na(z) && !is.nan(z)) "null"
    else if (is.nan(z)) "NaN"
    else if (is.infinite(z)) if (z > 0) "Infinity" else "-Infinity"
    else sprintf("%.17g", z)
  }, character(1))
}
str_json <- function(s) paste0("\"", gsub("\n", "\\\\n", gsub("\"", "\\\\\"", s)), "\"")
to_json <- function(x) {
  if (is.null(x)) return("null")
  if (is.data.frame(x)) {
    return(to_json(list(rownames = rownames(x), columns = colnames(x),
                        data = lapply(seq_len(ncol(x)), function(j) as.numeric(x[[j]])))))
  }
  if (is.matrix(x)) {
    return(to_json(list(rownames = rownames(x), columns = colnames(x),
                        data = lapply(seq_len(ncol(x)), function(j) as.numeric(x[, j])))))
  }
  if (is.list(x)) {
    if (!is.null(names(x))) {
      parts <- mapply(function(k, v) paste0(str_json(k), ": ", to_json(v)), names(x), x)
      return(paste0("{", paste(parts, collapse = ", "), "}"))
    }
    return(paste0("[", paste(vapply(x, to_json, character(1)), collapse = ", "), "]"))
  }
  if (length(x) == 0) return("[]")
  if (is.character(x) || is.factor(x)) {
    x <- as.character(x)
    return(if (length(x) == 1) str_json(x) else paste0("[", paste(str_json(x), collapse = ", "), "]"))
  }
  if (is.logical(x) && length(x) == 1 && !is.na(x)) return(if (x) "true" else "false")
  v <- num_json(as.numeric(x))
  if (length(x) == 1 && is.null(names(x))) return(v)
  paste0("[", paste(v, collapse = ", "), "]")
}
