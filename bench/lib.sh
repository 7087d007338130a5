# Helpers the benchmark scripts share; source it (bash). Nothing here runs
# anything on its own.

clk_tck=$(getconf CLK_TCK 2>/dev/null || echo 100)
ncpu=$(nproc 2>/dev/null || echo 1)

# busy_cpu: busy CPU seconds of the whole machine so far. Other engineers'
# processes may run in other containers on this machine: ps does not show
# them, /proc/stat counts them.
busy_cpu() {
	if [[ -r /proc/stat ]]; then
		awk -v hz="$clk_tck" '$1=="cpu"{printf "%.3f\n", ($2+$3+$4+$7+$8+$9)/hz; exit}' /proc/stat
	else
		echo 0
	fi
}

# median, minmax: of the numbers on stdin, one a line ("nan" and "–" for none).
median() { sort -g | awk '{v[NR]=$1} END{if(NR==0){print "nan"; exit} if(NR%2){print v[(NR+1)/2]} else {printf "%.6g\n", (v[NR/2]+v[NR/2+1])/2}}'; }
minmax() { sort -g | awk 'NR==1{lo=$1} {hi=$1} END{if(NR==0){print "–"; exit} printf "%s–%s", lo, hi}'; }

# calc FORMAT EXPR: awk's printf of an expression.
calc() { awk "BEGIN{printf \"$1\", $2}"; }
