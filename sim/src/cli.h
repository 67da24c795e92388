/*
 * cli.h — what the files of the meso-sim program share beyond the
 * simulator library: the commands other than run (sweep, compare; rerun is
 * in manifest.h) and main.c's table of run options, which sweep checks its
 * keys against so that every option run takes can be swept.
 */
#ifndef SIM_CLI_H
#define SIM_CLI_H

#include <stddef.h>

/* `meso-sim run`'s option --NAME: 1 if it takes a value, 0 if it is a
 * flag, -1 if there is no such option. name is without the dashes. */
int cli_run_option_kind(const char *name);

/* `meso-sim sweep CONFIG [...]` and `meso-sim compare A B [...]`: argv[0]
 * is the command; the exit status is returned. */
int cli_sweep_main(int argc, char **argv);
int cli_compare_main(int argc, char **argv);

/* The folder a sweep config writes to (its out key, or its path without
 * the extension plus .sweep), absolute. 0, or -1 with a message. */
int cli_sweep_out_dir(const char *config, char *out, size_t cap);

/* Writes OUT/plot_shares.dat and OUT/plot_roles.dat from a run's outputs:
 * the top_n frameworks (by mean dominant share) and roles (by CPU held) and
 * an "others" column each, for plots/shares.gp and utilization_roles.gp.
 * 0, or -1 with a message on stderr. */
int cli_plot_data(const char *out, int top_n);

/* Prints "WHO: message" and a newline on stderr; returns -1. */
int cli_fail(const char *who, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The folder of gnuplot scripts (MESO_PLOTS_DIR or the build's default). */
const char *cli_plots_dir(void);
/* Runs gnuplot -e EXPR SCRIPT (a script of the plots folder); 0 or -1 with
 * a message on stderr. */
int cli_gnuplot(const char *expr, const char *script);

#endif
