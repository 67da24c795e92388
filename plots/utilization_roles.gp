# utilization_roles.gp — CPU utilization over time split by role, stacked:
# the top N roles by CPU held and the rest as "others", from
# outdir/plot_roles.dat (meso-sim run --plot; each role's part of
# utilization.csv's cpus column, in proportion to the cores its frameworks'
# running tasks hold). Writes outdir/utilization_roles.png.
if (!exists("outdir")) outdir = "out"
file = outdir."/plot_roles.dat"
ncols = int(system("head -1 '".file."' | awk -F'\t' '{print NF}'"))
set terminal pngcairo size 1000,560 font "sans,11"
set output outdir."/utilization_roles.png"
set datafile separator "\t"
set title "CPU utilization by role, stacked (cores held by running tasks)"
set xlabel "simulated time (s)"
set ylabel "CPU utilization (% of cores present)"
set yrange [0:105]
set key outside right top title "role" noenhanced
set grid
set style fill solid 0.85 noborder
if (exists("plotsdir")) load plotsdir."/palette.gp"
plot for [i=2:ncols] file using 1:(sum [j=i:ncols] column(j)) with filledcurves x1 lt (i == ncols ? 99 : 1 + (i - 2) % 20) \
     title system("head -1 '".file."' | cut -f".i)
