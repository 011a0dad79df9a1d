#!/usr/bin/env bash
# `countyscope stats markov` against giddy's documented example (giddy.markov.Markov and giddy.ergodic docstrings) on
# libpysal's usjoin.csv (48 US states' per-capita income 1929-2009, quintiles per year; tests/data/libpysal), to 1e-6:
# the transition counts, P, the steady state and the mean first passage times; and Kemeny & Snell's Land of Oz chain
# (giddy's ergodic.fmpt example): steady state (0.4, 0.2, 0.4), first passage times 2.5, 4, 10/3 / 8/3, 5, 8/3 /
# 10/3, 4, 2.5. A panel with a missing period or a GAL id not in the table is one line naming file, row and field,
# exit 1, nothing written.
source "$(dirname "$0")/lib.sh"

"$CS" -q stats markov --table tests/data/libpysal/usjoin.csv --columns y1929:y2009 --classes 5 --out "$T/us" ||
  fail "stats markov on usjoin"
/usr/bin/python3 - "$T/us" <<'PY' && ok "giddy's usjoin transitions, P, steady state and first passage times" || fail "usjoin values"
import csv, json, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/markov_transitions.csv")))
counts = [[0] * 5 for _ in range(5)]
p = [[0.0] * 5 for _ in range(5)]
m = [[0.0] * 5 for _ in range(5)]
for r in rows:
    a, b = int(r["from"]) - 1, int(r["to"]) - 1
    counts[a][b], p[a][b], m[a][b] = int(r["count"]), float(r["p"]), float(r["mean_first_passage"])
# giddy Markov docstring: m.transitions, m.p, m.steady_state; ergodic.fmpt(m.p).
assert counts == [[729, 71, 1, 0, 0], [72, 567, 80, 3, 0], [0, 81, 631, 86, 2], [0, 3, 86, 573, 56],
                  [0, 0, 1, 57, 741]], counts
P = [[0.91011236, 0.0886392, 0.00124844, 0, 0], [0.09972299, 0.78531856, 0.11080332, 0.00415512, 0],
     [0, 0.10125, 0.78875, 0.1075, 0.0025], [0, 0.00417827, 0.11977716, 0.79805014, 0.07799443],
     [0, 0, 0.00125156, 0.07133917, 0.92740926]]
assert all(abs(p[a][b] - P[a][b]) < 1e-6 for a in range(5) for b in range(5)), p
pi = [float(r["steady_state"]) for r in csv.DictReader(open(d + "/markov_states.csv"))]
assert all(abs(x - y) < 1e-6 for x, y in zip(pi, [0.20774716, 0.18725774, 0.20740537, 0.18821787, 0.20937187])), pi
M = [[4.81354357, 11.50292712, 29.60921231, 53.38594954, 103.59816743],
     [42.04774505, 5.34023324, 18.74455332, 42.50023268, 92.71316899],
     [69.25849753, 27.21075248, 4.82147603, 25.27184624, 75.43305672],
     [84.90689329, 42.85914824, 17.18082642, 5.31299186, 51.60953369],
     [98.41295543, 56.36521038, 30.66046735, 14.21158356, 4.77619083]]
assert all(abs(m[a][b] - M[a][b]) < 1e-6 for a in range(5) for b in range(5)), m
s = json.load(open(d + "/results.json"))["sections"]["markov"]
assert s["rows"] == 48 and len(s["periods"]) == 81 and s["transition_count"] == 48 * 80 and len(s["transitions"]) == 25 and s["ergodic"] is True
PY

# Land of Oz (Kemeny & Snell 1976): states given as a panel whose per-period classes reproduce P exactly is not
# practical; the chain's functions are checked in AssessMarkov.LandOfOz (tests/assess). Here: a 2-state panel
# with a known count table. Units a..d over 3 periods, classes 2 (the lower / upper half of each period).
printf 'unit,t1,t2,t3\na,1,1,4\nb,2,3,3\nc,3,2,2\nd,4,4,1\n' >"$T/p.csv"
"$CS" -q stats markov --table "$T/p.csv" --columns t1,t2,t3 --classes 2 --out "$T/p" &&
  /usr/bin/python3 - "$T/p/markov_transitions.csv" <<'PY' && ok "a hand-counted 2-state panel" || fail "2-state panel"
import csv, sys
# classes per period: t1 (a, b low; c, d high), t2 (a, c low; b, d high), t3 (b? 3 -> high...) computed by hand:
# t1: 1,2,3,4 -> L,L,H,H; t2: 1,3,2,4 -> L,H,L,H; t3: 4,3,2,1 -> H,H,L,L.
# t1->t2: a L->L, b L->H, c H->L, d H->H; t2->t3: a L->H, b H->H, c L->L, d H->L.
# counts: L->L 2, L->H 2, H->L 2, H->H 2.
c = {(int(r["from"]), int(r["to"])): int(r["count"]) for r in csv.DictReader(open(sys.argv[1]))}
assert c == {(1, 1): 2, (1, 2): 2, (2, 1): 2, (2, 2): 2}, c
PY

# Spatial Markov: giddy.markov.Spatial_Markov's documented examples (giddy 2.3 docstring, pysal/giddy
# giddy/markov.py) on usjoin's relative incomes (rpci = each year / its mean over the 48 states) with libpysal's
# states48.gal (rook contiguity, ids 0..47 = the rows; row-standardised), to 1e-6 (the docstring prints 8 decimals):
# (1) k = m = 5 pooled quintiles: cutoffs, lag cutoffs, the 5 conditional P, their steady states S and first mean
# passage times F, the pooled p, Bickenbach & Bode's LR 170.659, Q 200.624, dof 60; (2) m = 4: lag cutoffs, 4 P,
# LR 172.105, Q 321.128, dof 45; (3) cutoffs 0.8, 0.9, 1, 1.2 for both: the 5 P (two empty rows in the last).
SM="$CS -q stats markov --table tests/data/libpysal/usjoin.csv --columns y1929:y2009 --relative --weights tests/data/libpysal/states48.gal"
$SM --quantiles pooled --classes 5 --out "$T/sm1" && $SM --quantiles pooled --classes 5 --lag-classes 4 --out "$T/sm2" &&
  $SM --cutoffs 0.8,0.9,1,1.2 --lag-cutoffs 0.8,0.9,1,1.2 --out "$T/sm3" || fail "spatial markov on usjoin"
/usr/bin/python3 - "$T" <<'PY' && ok "giddy's Spatial_Markov examples: P, S, F, cutoffs, Q, LR" || fail "spatial markov values"
import csv, json, math, sys
T = sys.argv[1]
P1 = [[[0.96341463, 0.0304878, 0.00609756, 0.0, 0.0], [0.06040268, 0.83221477, 0.10738255, 0.0, 0.0], [0.0, 0.14, 0.74, 0.12, 0.0], [0.0, 0.03571429, 0.32142857, 0.57142857, 0.07142857], [0.0, 0.0, 0.0, 0.16666667, 0.83333333]], [[0.79831933, 0.16806723, 0.03361345, 0.0, 0.0], [0.0754717, 0.88207547, 0.04245283, 0.0, 0.0], [0.00537634, 0.06989247, 0.8655914, 0.05913978, 0.0], [0.0, 0.0, 0.06372549, 0.90196078, 0.03431373], [0.0, 0.0, 0.0, 0.19444444, 0.80555556]], [[0.84693878, 0.15306122, 0.0, 0.0, 0.0], [0.08133971, 0.78947368, 0.1291866, 0.0, 0.0], [0.00518135, 0.0984456, 0.79274611, 0.0984456, 0.00518135], [0.0, 0.0, 0.09411765, 0.87058824, 0.03529412], [0.0, 0.0, 0.0, 0.10204082, 0.89795918]], [[0.8852459, 0.09836066, 0.0, 0.01639344, 0.0], [0.03875969, 0.81395349, 0.13953488, 0.0, 0.00775194], [0.0049505, 0.09405941, 0.77722772, 0.11881188, 0.0049505], [0.0, 0.02339181, 0.12865497, 0.75438596, 0.09356725], [0.0, 0.0, 0.0, 0.09661836, 0.90338164]], [[0.33333333, 0.66666667, 0.0, 0.0, 0.0], [0.0483871, 0.77419355, 0.16129032, 0.01612903, 0.0], [0.01149425, 0.16091954, 0.74712644, 0.08045977, 0.0], [0.0, 0.01036269, 0.06217617, 0.89637306, 0.03108808], [0.0, 0.0, 0.0, 0.02352941, 0.97647059]]]
S1 = [[0.43509425, 0.2635327, 0.20363044, 0.06841983, 0.02932278], [0.13391287, 0.33993305, 0.25153036, 0.23343016, 0.04119356], [0.12124869, 0.21137444, 0.2635101, 0.29013417, 0.1137326], [0.0776413, 0.19748806, 0.25352636, 0.22480415, 0.24654013], [0.01776781, 0.19964349, 0.19009833, 0.25524697, 0.3372434]]
F1 = [[[2.29835259, 28.95614035, 46.14285714, 80.80952381, 279.42857143], [33.86549708, 3.79459555, 22.57142857, 57.23809524, 255.85714286], [43.60233918, 9.73684211, 4.91085714, 34.66666667, 233.28571429], [46.62865497, 12.76315789, 6.25714286, 14.61564626, 198.61904762], [52.62865497, 18.76315789, 12.25714286, 6.0, 34.1031746]], [[7.46754205, 9.70574606, 25.76785714, 74.53116883, 194.23446197], [27.76691978, 2.94175577, 24.97142857, 73.73474026, 193.4380334], [53.57477715, 28.48447637, 3.97566318, 48.76331169, 168.46660482], [72.03631562, 46.94601483, 18.46153846, 4.28393653, 119.70329314], [77.17917276, 52.08887197, 23.6043956, 5.14285714, 24.27564033]], [[8.24751154, 6.53333333, 18.38765432, 40.70864198, 112.76732026], [47.35040872, 4.73094099, 11.85432099, 34.17530864, 106.23398693], [69.42288828, 24.76666667, 3.794921, 22.32098765, 94.37966594], [83.72288828, 39.06666667, 14.3, 3.44668119, 76.36702977], [93.52288828, 48.86666667, 24.1, 9.8, 8.79255406]], [[12.87974382, 13.34847151, 19.83446328, 28.47257282, 55.82395142], [99.46114206, 5.06359731, 10.54545198, 23.05133495, 49.68944423], [117.76777159, 23.03735526, 3.94436301, 15.0843986, 43.57927247], [127.89752089, 32.4393006, 14.56853107, 4.44831643, 31.63099455], [138.24752089, 42.7893006, 24.91853107, 10.35, 4.05613474]], [[56.2815534, 1.5, 10.57236842, 27.02173913, 110.54347826], [82.9223301, 5.00892857, 9.07236842, 25.52173913, 109.04347826], [97.17718447, 19.53125, 5.26043557, 21.42391304, 104.94565217], [127.1407767, 48.74107143, 33.29605263, 3.91777427, 83.52173913], [169.6407767, 91.24107143, 75.79605263, 42.5, 2.96521739]]]
P2 = [[[0.95708955, 0.03544776, 0.00746269, 0.0, 0.0], [0.05825243, 0.83980583, 0.10194175, 0.0, 0.0], [0.0, 0.1294964, 0.76258993, 0.10791367, 0.0], [0.0, 0.01538462, 0.18461538, 0.72307692, 0.07692308], [0.0, 0.0, 0.0, 0.14285714, 0.85714286]], [[0.7421875, 0.234375, 0.0234375, 0.0, 0.0], [0.08550186, 0.85130112, 0.06319703, 0.0, 0.0], [0.00865801, 0.06926407, 0.86147186, 0.05627706, 0.004329], [0.0, 0.0, 0.05363985, 0.92337165, 0.02298851], [0.0, 0.0, 0.0, 0.13432836, 0.86567164]], [[0.95145631, 0.04854369, 0.0, 0.0, 0.0], [0.06, 0.79, 0.145, 0.0, 0.005], [0.00358423, 0.10394265, 0.7921147, 0.09677419, 0.00358423], [0.0, 0.01630435, 0.13586957, 0.75543478, 0.0923913], [0.0, 0.0, 0.0, 0.10204082, 0.89795918]], [[0.16666667, 0.66666667, 0.0, 0.16666667, 0.0], [0.03488372, 0.80232558, 0.15116279, 0.01162791, 0.0], [0.00840336, 0.13445378, 0.70588235, 0.1512605, 0.0], [0.0, 0.01171875, 0.08203125, 0.87109375, 0.03515625], [0.0, 0.0, 0.0, 0.03434343, 0.96565657]]]
P3 = [[[0.96703297, 0.03296703, 0.0, 0.0, 0.0], [0.10638298, 0.68085106, 0.21276596, 0.0, 0.0], [0.0, 0.14285714, 0.7755102, 0.08163265, 0.0], [0.0, 0.0, 0.5, 0.5, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]], [[0.88636364, 0.10606061, 0.00757576, 0.0, 0.0], [0.04402516, 0.89308176, 0.06289308, 0.0, 0.0], [0.0, 0.05882353, 0.8627451, 0.07843137, 0.0], [0.0, 0.0, 0.13846154, 0.86153846, 0.0], [0.0, 0.0, 0.0, 0.0, 1.0]], [[0.78082192, 0.17808219, 0.02739726, 0.01369863, 0.0], [0.03488372, 0.90406977, 0.05813953, 0.00290698, 0.0], [0.0, 0.05919003, 0.84735202, 0.09034268, 0.00311526], [0.0, 0.0, 0.05811623, 0.92985972, 0.01202405], [0.0, 0.0, 0.0, 0.14285714, 0.85714286]], [[0.82692308, 0.15384615, 0.0, 0.01923077, 0.0], [0.0703125, 0.7890625, 0.125, 0.015625, 0.0], [0.00295858, 0.06213018, 0.82248521, 0.10946746, 0.00295858], [0.0, 0.00185529, 0.07606679, 0.88497217, 0.03710575], [0.0, 0.0, 0.0, 0.07803468, 0.92196532]], [[0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.06666667, 0.9, 0.03333333, 0.0], [0.0, 0.0, 0.05660377, 0.90566038, 0.03773585], [0.0, 0.0, 0.0, 0.03932584, 0.96067416]]]

def close(a, b, what):
    assert abs(a - b) < 1e-6, (what, a, b)

def chains(d, m):
    P = [[[None] * 5 for _ in range(5)] for _ in range(m)]
    F = [[[None] * 5 for _ in range(5)] for _ in range(m)]
    for r in csv.DictReader(open(d + "/markov_spatial.csv")):
        l, a, b = int(r["lag_class"]) - 1, int(r["from"]) - 1, int(r["to"]) - 1
        P[l][a][b] = float(r["p"])
        F[l][a][b] = float(r["mean_first_passage"]) if r["mean_first_passage"] else None
    S = [[None] * 5 for _ in range(m)]
    for r in csv.DictReader(open(d + "/markov_spatial_states.csv")):
        S[int(r["lag_class"]) - 1][int(r["state"]) - 1] = float(r["steady_state"]) if r["steady_state"] else None
    return P, S, F

s1 = json.load(open(T + "/sm1/results.json"))["sections"]["markov"]
for x, y in zip(s1["cutoffs"], [0.83999133, 0.94707545, 1.03242697, 1.14911154]): close(x, y, "cutoffs")
for x, y in zip(s1["spatial"]["lag_cutoffs"], [0.88973386, 0.95891917, 1.01469758, 1.1183566]): close(x, y, "lag cutoffs")
h = s1["spatial"]["homogeneity"]
assert h["dof"] == 60 and round(h["LR"], 3) == 170.659 and round(h["Q"], 3) == 200.624, h
assert h["LR_p"] < 5e-4 and h["Q_p"] < 5e-4, h
P, S, F = chains(T + "/sm1", 5)
for l in range(5):
    for a in range(5):
        close(S[l][a], S1[l][a], ("S", l, a))
        for b in range(5):
            close(P[l][a][b], P1[l][a][b], ("P", l, a, b))
            close(F[l][a][b], F1[l][a][b], ("F", l, a, b))
p = [[0.0] * 5 for _ in range(5)]
for r in csv.DictReader(open(T + "/sm1/markov_transitions.csv")):
    p[int(r["from"]) - 1][int(r["to"]) - 1] = float(r["p"])
for a, row in enumerate([[0.91461837, 0.07503234, 0.00905563, 0.00129366, 0.0],
                         [0.06570302, 0.82654402, 0.10512484, 0.00131406, 0.00131406],
                         [0.00520833, 0.10286458, 0.79427083, 0.09505208, 0.00260417],
                         [0.0, 0.00913838, 0.09399478, 0.84856397, 0.04830287],
                         [0.0, 0.0, 0.0, 0.06217617, 0.93782383]]):
    for b in range(5): close(p[a][b], row[b], ("p", a, b))
s2 = json.load(open(T + "/sm2/results.json"))["sections"]["markov"]
for x, y in zip(s2["spatial"]["lag_cutoffs"], [0.91440247, 0.98583079, 1.08698351]): close(x, y, "lag cutoffs m=4")
h = s2["spatial"]["homogeneity"]
assert h["dof"] == 45 and round(h["LR"], 3) == 172.105 and round(h["Q"], 3) == 321.128, h
P, _, _ = chains(T + "/sm2", 4)
for l in range(4):
    for a in range(5):
        for b in range(5): close(P[l][a][b], P2[l][a][b], ("P m=4", l, a, b))
P, S, _ = chains(T + "/sm3", 5)
for l in range(5):
    for a in range(5):
        for b in range(5): close(P[l][a][b], P3[l][a][b], ("P cutoffs", l, a, b))
# giddy: sm.S[2] (an ergodic chain); the last chain has empty rows: no single steady state, left empty.
for a, x in enumerate([0.03607655, 0.22667277, 0.25883041, 0.43607249, 0.04234777]): close(S[2][a], x, ("S[2]", a))
assert all(x is None for x in S[4]), S[4]
PY

# LISA Markov: giddy.markov.LISA_Markov's documented example (pci of usjoin, states48.gal): the quadrant chain's
# transitions, P and steady state; q[0:5, 0] = 3, 2, 3, 1, 4 (GeoDa numbering 2, 3, 2, 1, 4); the first state's
# move types 11 (LL -> LL) over the first and the last three intervals.
LM="$CS -q stats markov --table tests/data/libpysal/usjoin.csv --columns y1929:y2009 --weights tests/data/libpysal/states48.gal --lisa"
$LM --out "$T/lm" && $LM --geoda-quads --out "$T/lmg" || fail "LISA Markov on usjoin"
/usr/bin/python3 - "$T" <<'PY' && ok "giddy's LISA_Markov example: transitions, P, steady state, quadrants" || fail "LISA Markov values"
import csv, sys
T = sys.argv[1]
c = [[0] * 4 for _ in range(4)]
p = [[0.0] * 4 for _ in range(4)]
for r in csv.DictReader(open(T + "/lm/markov_transitions.csv")):
    a, b = int(r["from"]) - 1, int(r["to"]) - 1
    c[a][b], p[a][b] = int(r["count"]), float(r["p"])
assert c == [[1087, 44, 4, 34], [41, 470, 36, 1], [5, 34, 1422, 39], [30, 1, 40, 552]], c
P = [[0.92985458, 0.03763901, 0.00342173, 0.02908469], [0.07481752, 0.85766423, 0.06569343, 0.00182482],
     [0.00333333, 0.02266667, 0.948, 0.026], [0.04815409, 0.00160514, 0.06420546, 0.88603531]]
assert all(abs(p[a][b] - P[a][b]) < 1e-6 for a in range(4) for b in range(4)), p
pi = [float(r["steady_state"]) for r in csv.DictReader(open(T + "/lm/markov_states.csv"))]
assert all(abs(x - y) < 1e-6 for x, y in zip(pi, [0.28561505, 0.14190226, 0.40493672, 0.16754598])), pi
def quads(d):
    q = {}
    for r in csv.DictReader(open(d + "/markov_lisa_quadrants.csv")):
        q.setdefault(r["id"], []).append(int(r["quadrant"]))
    return q
q, g = quads(T + "/lm"), quads(T + "/lmg")
assert [q[str(i)][0] for i in range(1, 6)] == [3, 2, 3, 1, 4], q
assert [g[str(i)][0] for i in range(1, 6)] == [2, 3, 2, 1, 4], g
assert all(x == 3 for x in q["1"][:4] + q["1"][-4:])  # move types 11 = (LL, LL)
PY

O=$T/out
printf 'unit,t1,t2\na,1,2\nb,,3\nc,3,1\n' >"$T/miss.csv"
check_exact "a panel with a missing period" 1 "countyscope: error: table (miss.csv): row 3, field 't1': empty: the panel misses this period (every row needs every period)" "$O" \
  "$CS" -q stats markov --table "$T/miss.csv" --columns t1,t2 --classes 2 --out "$O"
printf 'id,a,b\n1,1,2\n2,2,3\n3,3,1\n4,4,4\n' >"$T/p4.csv"
printf '4\n1 1\n2\n2 1\n1\n3 1\n9\n4 0\n' >"$T/bad.gal"
check_exact "--lisa without weights" 2 "countyscope: usage error: stats markov: --lisa needs --weights (the LISA quadrants)" "$O" \
  "$CS" -q stats markov --table "$T/p4.csv" --columns a,b --lisa --out "$O"
check_exact "a GAL id not in the table (spatial Markov)" 1 "countyscope: error: bad.gal: line 7, field 'id': id '9' is not in the table" "$O" \
  "$CS" -q stats markov --table "$T/p4.csv" --columns a,b --classes 2 --weights "$T/bad.gal" --id id --out "$O"
# Row numbers from 0 (libpysal's id-less GAL) and the same links numbered from 1 with --id: the same chains.
printf '4\n0 1\n1\n1 1\n0\n2 1\n3\n3 1\n2\n' >"$T/zero.gal"
printf '4\n1 1\n2\n2 1\n1\n3 1\n4\n4 1\n3\n' >"$T/one.gal"
"$CS" -q stats markov --table "$T/p4.csv" --columns a,b --classes 2 --weights "$T/zero.gal" --out "$T/z0" &&
  "$CS" -q stats markov --table "$T/p4.csv" --columns a,b --classes 2 --weights "$T/one.gal" --id id --out "$T/z1" &&
  cmp -s "$T/z0/markov_spatial.csv" "$T/z1/markov_spatial.csv" && ok "GAL ids from 0 = row numbers" || fail "GAL from 0"
finish
