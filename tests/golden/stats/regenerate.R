# R's answers for the non-survival statistics engine (src/stats: descriptive, linear_model, competing_risks).
#
# How to run (from the repository root; needs R >= 4.2 and the survival package, Debian r-cran-survival):
#   Rscript tests/golden/stats/regenerate.R
# It rewrites descriptive.json, linear_model.json and competing_risks.json beside this script. Inputs are
# written with 17 significant digits so the C++ tests read the very doubles R used; NA and R's refusals
# (errors) are written as null. Made with R 4.2.2 and survival 3.5-3.
#
# Sources: stats::quantile(type = 7), sd, t.test, wilcox.test, prop.test(correct = FALSE), lm;
# survival::survfit with a factor status (multi-state, Aalen-Johansen), mgus2 as in the "compete" vignette.

suppressPackageStartupMessages(library(survival))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
out_dir <- if (length(script)) dirname(normalizePath(script)) else "tests/golden/stats"

# A minimal JSON writer (jsonlite is not a Debian default): named lists become objects, unnamed lists
# arrays, numeric vectors arrays unless wrapped in I() as a scalar.
num <- function(x) ifelse(is.na(x) | !is.finite(x), "null", sprintf("%.17g", x))
to_json <- function(x, indent = "") {
  inner <- paste0(indent, "  ")
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    items <- vapply(x, to_json, "", indent = inner)
    if (is.null(names(x)))
      return(paste0("[\n", inner, paste(items, collapse = paste0(",\n", inner)), "\n", indent, "]"))
    keys <- paste0("\"", names(x), "\": ")
    return(paste0("{\n", inner, paste0(keys, items, collapse = paste0(",\n", inner)), "\n", indent, "}"))
  }
  scalar <- inherits(x, "AsIs")
  if (is.character(x)) vals <- paste0("\"", gsub("\"", "\\\\\"", x), "\"")
  else if (is.logical(x)) vals <- ifelse(is.na(x), "null", ifelse(x, "true", "false"))
  else vals <- num(as.numeric(x))
  if (scalar) return(vals[1])
  paste0("[", paste(vals, collapse = ", "), "]")
}
s <- function(x) I(x)  # a JSON scalar
or_null <- function(expr) tryCatch(expr, error = function(e) NULL)
write_json <- function(x, file) writeLines(to_json(x), file.path(out_dir, file))

# ---------------------------------------------------------------- descriptive.json
samples <- list(
  one_to_ten = as.numeric(1:10),
  sleep_extra = sleep$extra,
  mtcars_mpg = mtcars$mpg,
  koos_pain_with_ties = c(47.2, 52.8, 52.8, 61.1, 38.9, 72.2, 52.8, 44.4, 66.7, 58.3, 61.1),
  single_value = c(42),
  two_values = c(3, 8),
  negative_and_large = c(-1e6 + 0.25, -1e6 + 0.5, -1e6 + 0.75, -1e6 + 2)
)

describe <- lapply(names(samples), function(name) {
  x <- samples[[name]]
  q <- quantile(x, c(0, 0.25, 0.5, 0.75, 1), type = 7, names = FALSE)
  list(name = s(name), x = x, n = s(length(x)), mean = s(mean(x)),
       sd = s(if (length(x) < 2) 0 else sd(x)),
       min = s(q[1]), q1 = s(q[2]), median = s(q[3]), q3 = s(q[4]), max = s(q[5]))
})

mean_ci <- list()
for (name in names(samples)) for (level in c(0.95, 0.9)) {
  x <- samples[[name]]
  ci <- or_null(t.test(x, conf.level = level)$conf.int)
  mean_ci[[length(mean_ci) + 1]] <- list(
    name = s(name), x = x, level = s(level), mean = s(mean(x)), sd = s(if (length(x) < 2) 0 else sd(x)),
    lower = s(if (is.null(ci)) NA else ci[1]), upper = s(if (is.null(ci)) NA else ci[2]))
}

pairs <- list(
  sleep = list(before = sleep$extra[1:10], after = sleep$extra[11:20]),
  koos_pain_6_months = list(before = c(41.7, 50, 36.1, 55.6, 47.2, 30.6, 61.1, 44.4, 52.8, 38.9, 58.3, 33.3),
                            after = c(58.3, 63.9, 41.7, 72.2, 47.2, 44.4, 69.4, 50, 75, 36.1, 66.7, 52.8)),
  two_pairs = list(before = c(40, 55), after = c(52, 58)),
  one_pair = list(before = c(40), after = c(52)),
  constant_change = list(before = c(40, 50, 60), after = c(50, 60, 70))
)
paired_t <- list()
for (name in names(pairs)) for (level in c(0.95, 0.9)) {
  b <- pairs[[name]]$before; a <- pairs[[name]]$after
  d <- a - b
  tt <- or_null(t.test(a, b, paired = TRUE, conf.level = level))
  paired_t[[length(paired_t) + 1]] <- list(
    name = s(name), before = b, after = a, level = s(level), n = s(length(d)), mean_change = s(mean(d)),
    sd = s(if (length(d) < 2) 0 else sd(d)),
    df = s(if (length(d) < 2) 0 else length(d) - 1),
    t = s(if (is.null(tt)) NA else unname(tt$statistic)), p = s(if (is.null(tt)) NA else tt$p.value),
    lower = s(if (is.null(tt)) NA else tt$conf.int[1]), upper = s(if (is.null(tt)) NA else tt$conf.int[2]))
}

set.seed(20261201)
differences <- list(
  sleep_differences_ties_and_zero = sleep$extra[11:20] - sleep$extra[1:10],
  exact_no_ties = c(1.5, -0.5, 2.25, 3, -1.75, 4, 0.25, 5.5, 6.1, -2.9),
  exact_all_positive = c(0.5, 1.25, 2, 3.5, 4.75),
  exact_v_at_centre = c(-1, 2, 3, -4),
  exact_single = c(2.5),
  exact_two = c(-1.5, 3),
  prom_changes_ties_and_zeros = c(8, 0, -3, 11, 8, 14, 0, 5, -3, 8, 22, 17, 5, 0, -6, 11, 3, 8, 14, 19),
  ties_without_zeros = c(2, 2, -2, 5, 7, 7, 9, -1, 4, 4),
  zeros_without_ties = c(0, 1.1, -2.2, 3.3, 4.4, 0, 5.5),
  n_60_no_ties = round(rnorm(60, mean = 4, sd = 9), 4),
  all_zero = c(0, 0, 0)
)
wilcoxon <- lapply(names(differences), function(name) {
  d <- differences[[name]]
  nz <- d[d != 0]
  w <- or_null(suppressWarnings(wilcox.test(d)))
  exact <- length(nz) > 0 && length(nz) < 50 && !any(d == 0) && !any(duplicated(rank(abs(nz))))
  list(name = s(name), d = d, n = s(length(nz)),
       statistic = s(if (is.null(w)) 0 else unname(w$statistic)),
       p = s(if (is.null(w) || length(nz) == 0) NA else w$p.value),
       exact = s(exact), method = s(if (is.null(w)) "none" else w$method))
})

proportions <- list(c(7, 20, 0.95), c(0, 10, 0.95), c(10, 10, 0.95), c(1, 1, 0.95), c(0, 1, 0.95),
                    c(45, 120, 0.9), c(3, 250, 0.99), c(0, 0, 0.95))
wilson <- lapply(proportions, function(v) {
  pt <- or_null(suppressWarnings(prop.test(v[1], v[2], correct = FALSE, conf.level = v[3])))
  list(events = s(v[1]), n = s(v[2]), level = s(v[3]),
       estimate = s(if (is.null(pt)) NA else unname(pt$estimate)),
       lower = s(if (is.null(pt)) NA else pt$conf.int[1]), upper = s(if (is.null(pt)) NA else pt$conf.int[2]))
})

write_json(list(source = s("R 4.2 stats: quantile type 7, sd, t.test, wilcox.test, prop.test(correct = FALSE)"),
                describe = describe, mean_ci = mean_ci, paired_t = paired_t, wilcoxon = wilcoxon,
                wilson = wilson), "descriptive.json")

# ---------------------------------------------------------------- linear_model.json
lm_case <- function(name, data, response, covariates, level = 0.95) {
  f <- reformulate(covariates, response)
  fit <- lm(f, data = data)
  cols <- lapply(covariates, function(v) as.numeric(data[[v]]))
  names(cols) <- covariates
  base <- list(name = s(name), y = as.numeric(data[[response]]), names = covariates, covariates = unname(cols),
               level = s(level))
  if (any(is.na(coef(fit))) || fit$df.residual == 0) return(c(base, list(fit = NULL)))
  sm <- summary(fit)
  ct <- sm$coefficients
  ci <- confint(fit, level = level)
  c(base, list(fit = list(terms = rownames(ct), coef = ct[, 1], se = ct[, 2], t = ct[, 3], p = ct[, 4],
                          lower = ci[, 1], upper = ci[, 2], n = s(nrow(data)), df_residual = s(fit$df.residual),
                          sigma = s(sm$sigma), r_squared = s(sm$r.squared))))
}
cars <- mtcars
cars$cyl6 <- as.numeric(cars$cyl == 6)
cars$cyl8 <- as.numeric(cars$cyl == 8)

set.seed(41367621)
n_knee <- 40
knee <- data.frame(baseline = round(runif(n_knee, 25, 70), 1), age = round(runif(n_knee, 38, 79)),
                   kl3 = rbinom(n_knee, 1, 0.4), bmi = round(rnorm(n_knee, 28, 4), 1))
knee$change <- round(30 - 0.45 * knee$baseline - 0.1 * knee$age - 4 * knee$kl3 - 0.3 * knee$bmi +
                     rnorm(n_knee, 0, 8), 1)

tiny <- data.frame(y = c(1, 3, 2), a = c(1, 2, 3), b = c(2, 1, 5))
collinear <- data.frame(y = c(3, 5, 4, 8, 9, 12), a = c(1, 2, 3, 4, 5, 6), b = c(2, 4, 6, 8, 10, 12))
just_enough <- data.frame(y = c(1, 3, 2, 6), a = c(1, 2, 3, 4), b = c(2, 1, 5, 3))

linear_model <- list(
  lm_case("mtcars mpg ~ wt", cars, "mpg", c("wt")),
  lm_case("mtcars mpg ~ wt + hp + qsec", cars, "mpg", c("wt", "hp", "qsec")),
  lm_case("mtcars mpg ~ wt + cyl (dummy-coded) + am, 90 %", cars, "mpg", c("wt", "cyl6", "cyl8", "am"), 0.9),
  lm_case("synthetic knee change ~ baseline + age + KL3 + BMI", knee, "change", c("baseline", "age", "kl3", "bmi")),
  lm_case("one residual degree of freedom", just_enough, "y", c("a", "b")),
  lm_case("n equals the number of coefficients", tiny, "y", c("a", "b")),
  lm_case("collinear covariates (rank-deficient)", collinear, "y", c("a", "b"))
)
write_json(list(source = s("R 4.2 stats::lm, summary.lm, confint"), cases = linear_model), "linear_model.json")

# ---------------------------------------------------------------- competing_risks.json
cif_case <- function(name, time, status, level = 0.95) {
  fit <- survfit(Surv(time, factor(status, 0:2)) ~ 1, conf.int = level)
  stopifnot(identical(fit$states, c("(s0)", "1", "2")), fit$conf.type == "log")
  keep <- which(fit$n.event[, 2] + fit$n.event[, 3] > 0)
  rows <- lapply(keep, function(i) list(
    time = s(fit$time[i]), n_risk = s(fit$n.risk[i, 1]), n_event = s(fit$n.event[i, 2]),
    n_competing = s(fit$n.event[i, 3]), incidence = s(fit$pstate[i, 2]), std_err = s(fit$std.err[i, 2]),
    lower = s(fit$lower[i, 2]), upper = s(fit$upper[i, 2])))
  list(name = s(name), time = time, status = status, level = s(level), n = s(length(time)), rows = rows)
}
# The survival "compete" vignette: progression to plasma cell malignancy (PCM) first, death competing.
etime <- with(mgus2, ifelse(pstat == 0, futime, ptime))
estatus <- with(mgus2, ifelse(pstat == 0, 2 * death, 1))

competing <- list(
  cif_case("hand: ties of both kinds and censoring at event times",
           c(1, 2, 2, 3, 4, 4, 5, 6, 7, 8, 8, 8), c(1, 2, 1, 0, 1, 0, 2, 1, 0, 1, 2, 0)),
  cif_case("hand: competing events before the first event of interest",
           c(1, 1.5, 2, 3, 3, 4.5, 6, 9), c(2, 2, 0, 1, 2, 0, 1, 0)),
  cif_case("hand: last subject has the event (incidence reaches its maximum), 90 %",
           c(2, 3, 5, 7, 11), c(1, 2, 1, 0, 1), 0.9),
  cif_case("hand: nearly equal times are one time (survfit timefix)",
           c(1, 1 + 1e-10, 2, 2 * (1 + 1e-9), 3, 4, 4 + 1e-6, 5), c(1, 2, 1, 1, 0, 1, 2, 0)),
  cif_case("survival::mgus2, PCM with death competing (compete vignette)", etime, estatus)
)
write_json(list(source = s("R 4.2 survival 3.5-3: survfit(Surv(time, factor(status, 0:2)) ~ 1), conf.type log"),
                cases = competing), "competing_risks.json")
