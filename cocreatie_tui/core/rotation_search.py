"""World-café rotation: the local search over the remaining rounds (see ``core.rotation``).

``_Search`` holds the remaining rounds of a compiled problem (``rotation_problem``) with
incremental statistics: a greedy start, then a tabu search over swaps and moves of rovers,
and a relabelling of tables (``_assign``, the Hungarian algorithm) that lowers revisits
without changing who meets whom. Standard library only; randomness only from the
``random.Random`` passed in.
"""

from __future__ import annotations

import random
import time

from cocreatie_tui.core.rotation_problem import _Compiled, _held_state

STEPS_PER_PICK = 10
"""Choosing where to look costs about as much as evaluating ten moves."""

MOVE_ALONE = -1
RELABEL = -2


class _Search:
    """Mutable search state over the remaining rounds, with incremental statistics."""

    def __init__(self, comp: _Compiled, rng: random.Random) -> None:
        self.comp = comp
        self.rng = rng
        self.n = comp.n
        self.tables = comp.tables
        self.host = comp.host_table
        self.sizes = comp.future_sizes
        # Tables whose host is present in each remaining round: their groups cannot relabel.
        self.hosted = [
            {self.host[p] for p in present if self.host[p] >= 0} for present in comp.future_present
        ]
        self.held_counts, self.held_excess = _held_state(comp)
        self.reset()

    def reset(self) -> None:
        """Empty the remaining rounds; statistics cover the held rounds only."""
        n, tables = self.n, self.tables
        rounds = len(self.comp.held) + len(self.sizes)
        self.counts = [row[:] for row in self.held_counts]
        self.met = [{q for q in range(n) if row[q] >= 1} for row in self.counts]
        self.met_twice = [{q for q in range(n) if row[q] >= 2} for row in self.counts]
        self.hist = [0] * (rounds + 2)
        for p in range(n):
            for q in range(p + 1, n):
                self.hist[self.counts[p][q]] += 1
        self.max_pair = max((c for c in range(len(self.hist)) if self.hist[c] and c), default=0)
        self.excess = self.held_excess
        self.visits = [[0] * tables for _ in range(n)]
        self.revisits = 0
        self.person_revisits = [0] * n
        for seats in self.comp.held:
            for p, table in enumerate(seats):
                if table >= 0:
                    self.visits[p][table] += 1
        for p in range(n):
            if self.host[p] < 0:
                extra = sum(max(0, v - 1) for v in self.visits[p])
                self.person_revisits[p] = extra
                self.revisits += extra
        self.seat = [[-1] * n for _ in self.sizes]
        self.members: list[list[set[int]]] = [[set() for _ in range(tables)] for _ in self.sizes]
        # Pairs with a repeat that a move in a remaining round can undo, for picking moves.
        self.bad: list[int] = []
        self.bad_pos: dict[int, int] = {}
        self.roving: list[int] = []
        self.roving_pos: dict[int, int] = {}
        for p in range(n):
            if self.person_revisits[p]:
                self._mark(self.roving, self.roving_pos, p)

    @staticmethod
    def _mark(items: list[int], pos: dict[int, int], key: int) -> None:
        if key not in pos:
            pos[key] = len(items)
            items.append(key)

    @staticmethod
    def _unmark(items: list[int], pos: dict[int, int], key: int) -> None:
        i = pos.pop(key, None)
        if i is not None:
            last = items.pop()
            if i < len(items):
                items[i] = last
                pos[last] = i

    def cost(self) -> tuple[int, int, int]:
        return self.excess, self.max_pair, self.revisits

    def add(self, r: int, p: int, table: int) -> None:
        """Seat ``p`` at ``table`` in remaining round ``r``."""
        group = self.members[r][table]
        row = self.counts[p]
        counts, hist = self.counts, self.hist
        n = self.n
        for x in group:
            c = row[x] + 1
            row[x] = c
            counts[x][p] = c
            hist[c - 1] -= 1
            hist[c] += 1
            if c == 1:
                self.met[p].add(x)
                self.met[x].add(p)
            else:
                self.excess += 1
                if c == 2:
                    self.met_twice[p].add(x)
                    self.met_twice[x].add(p)
                # A future meeting made this repeat, so a move can undo it.
                self._mark(self.bad, self.bad_pos, p * n + x if p < x else x * n + p)
                if c > self.max_pair:
                    self.max_pair = c
        if self.max_pair == 0 and group:
            self.max_pair = 1
        group.add(p)
        self.seat[r][p] = table
        if self.host[p] < 0:
            visits = self.visits[p]
            if visits[table]:
                self.revisits += 1
                self.person_revisits[p] += 1
                self._mark(self.roving, self.roving_pos, p)
            visits[table] += 1
        else:
            self.visits[p][table] += 1

    def remove(self, r: int, p: int) -> int:
        """Unseat ``p`` in remaining round ``r``; return the table they left."""
        table = self.seat[r][p]
        group = self.members[r][table]
        group.discard(p)
        self.seat[r][p] = -1
        row = self.counts[p]
        counts, hist, held = self.counts, self.hist, self.held_counts
        n = self.n
        for x in group:
            c = row[x] - 1
            row[x] = c
            counts[x][p] = c
            hist[c + 1] -= 1
            hist[c] += 1
            if c == 0:
                self.met[p].discard(x)
                self.met[x].discard(p)
            else:
                self.excess -= 1
                if c == 1:
                    self.met_twice[p].discard(x)
                    self.met_twice[x].discard(p)
                if c < 2 or c <= held[p][x]:
                    self._unmark(self.bad, self.bad_pos, p * n + x if p < x else x * n + p)
        while self.max_pair and not hist[self.max_pair]:
            self.max_pair -= 1
        visits = self.visits[p]
        visits[table] -= 1
        if self.host[p] < 0 and visits[table]:
            self.revisits -= 1
            self.person_revisits[p] -= 1
            if not self.person_revisits[p]:
                self._unmark(self.roving, self.roving_pos, p)
        return table

    def greedy(self) -> None:
        """Seat the remaining rounds one by one, each person where they know the fewest."""
        rng, tables = self.rng, self.tables
        for r, present in enumerate(self.comp.future_present):
            q, rem = self.sizes[r]
            members = self.members[r]
            big = 0
            rovers = []
            for p in present:
                table = self.host[p]
                if table >= 0:
                    self.add(r, p, table)
                    if len(members[table]) == q + 1:
                        big += 1
                else:
                    rovers.append(p)
            rng.shuffle(rovers)
            for p in rovers:
                met, met_twice, visits = self.met[p], self.met_twice[p], self.visits[p]
                best_key: tuple[int, int, int, float] | None = None
                best_table = -1
                for table in range(tables):
                    size = len(members[table])
                    if size > q or (size == q and big >= rem):
                        continue
                    group = members[table]
                    key = (
                        len(met.intersection(group)),
                        len(met_twice.intersection(group)),
                        visits[table],
                        rng.random(),
                    )
                    if best_key is None or key < best_key:
                        best_key, best_table = key, table
                self.add(r, p, best_table)
                if len(members[best_table]) == q + 1:
                    big += 1

    def snapshot(self) -> list[list[int]]:
        return [row[:] for row in self.seat]

    def load(self, seats: list[list[int]]) -> None:
        self.reset()
        for r, row in enumerate(seats):
            for p, table in enumerate(row):
                if table >= 0:
                    self.add(r, p, table)

    def _pick(self, targets: tuple[int, int, int], polishing: bool) -> tuple[int, list[int]]:
        """Choose a round and the rovers in it whose moves may lower the cost.

        The round of a random repeated pair, with every rover in a repeated pair there; while
        polishing (or when no repeat is left to undo), the round of a random rover back at a
        table, with every such rover there too. Falls back to a random rover.
        """
        rng, n, host = self.rng, self.n, self.host
        conflicts = bool((self.excess > targets[0] or self.max_pair > targets[1]) and self.bad)
        revisiting = bool(self.revisits > targets[2] and self.roving)
        r = -1
        if revisiting and (not conflicts or (polishing and rng.random() < 0.5)):
            p = self.roving[rng.randrange(len(self.roving))]
            rounds = [
                r
                for r, seats in enumerate(self.seat)
                if seats[p] >= 0 and self.visits[p][seats[p]] >= 2
            ]
            if rounds:
                r = rng.choice(rounds)
        if r < 0 and conflicts:
            p, q = divmod(self.bad[rng.randrange(len(self.bad))], n)
            rounds = [
                r for r, seats in enumerate(self.seat) if seats[p] >= 0 and seats[p] == seats[q]
            ]
            if rounds:
                r = rng.choice(rounds)
        if r < 0:
            picked = self._pick_random()
            return (picked[0], [picked[1]]) if picked else (-1, [])
        seats = self.seat[r]
        chosen: set[int] = set()
        if conflicts:
            for key in self.bad:
                p, q = divmod(key, n)
                if seats[p] >= 0 and seats[p] == seats[q]:
                    chosen.update(x for x in (p, q) if host[x] < 0)
        if polishing or not conflicts:
            visits = self.visits
            chosen.update(p for p in self.roving if seats[p] >= 0 and visits[p][seats[p]] >= 2)
        return r, sorted(chosen)

    def _pick_random(self) -> tuple[int, int] | None:
        rng = self.rng
        if not self.seat:
            return None
        r = rng.randrange(len(self.seat))
        present = self.comp.future_present[r]
        if not present:
            return None
        p = present[rng.randrange(len(present))]
        if self.host[p] >= 0:
            return None
        return r, p

    def _moves(self, r: int, a: int, relabel: bool) -> list[tuple[int, int, int, int]]:
        """Moves of rover ``a`` in round ``r``: (excess delta, revisits delta, partner, table).

        A partner ``b >= 0`` swaps ``a`` and ``b``. ``MOVE_ALONE`` moves ``a`` alone to
        ``table`` (only from a large table to a small one, so sizes stay balanced).
        ``RELABEL`` swaps the whole groups at ``a``'s table and ``table`` (only when neither
        has a host this round, and only if ``relabel``): nobody meets anyone new, but rovers
        may see new tables.
        """
        members = self.members[r]
        host, met, met_twice, visits = self.host, self.met, self.met_twice, self.visits
        ta = self.seat[r][a]
        home = members[ta]
        q, rem = self.sizes[r]
        hosted = self.hosted[r]
        leave_a = len(met_twice[a].intersection(home))
        met_a = met[a]
        visits_a = visits[a]
        leave_rev_a = -1 if visits_a[ta] >= 2 else 0
        can_leave_alone = rem and len(home) == q + 1
        can_relabel = relabel and ta not in hosted
        home_rev = self._relabel_revisits(home, ta) if can_relabel else 0
        moves: list[tuple[int, int, int, int]] = []
        for tb in range(self.tables):
            if tb == ta:
                continue
            there = members[tb]
            join_a = len(met_a.intersection(there)) - leave_a
            rev_a = leave_rev_a + (1 if visits_a[tb] else 0)
            if can_leave_alone and len(there) == q:
                moves.append((join_a, rev_a, MOVE_ALONE, tb))
            if can_relabel and tb not in hosted:
                rev = home_rev[tb] + self._relabel_revisit(there, tb, ta)
                moves.append((0, rev, RELABEL, tb))
            for b in there:
                if host[b] >= 0:
                    continue
                visits_b = visits[b]
                delta = (
                    join_a
                    - len(met_twice[b].intersection(there))
                    + len(met[b].intersection(home))
                    - (2 if b in met_a else 0)
                )
                rev = rev_a + (1 if visits_b[ta] else 0) - (1 if visits_b[tb] >= 2 else 0)
                moves.append((delta, rev, b, tb))
        return moves

    def _relabel_revisits(self, group: set[int], table: int) -> list[int]:
        """Revisits delta, per other table, if ``group`` moved there from ``table``."""
        deltas = [0] * self.tables
        for x in group:
            if self.host[x] < 0:
                visits = self.visits[x]
                leave = 1 if visits[table] >= 2 else 0
                for other in range(self.tables):
                    deltas[other] += (1 if visits[other] else 0) - leave
        return deltas

    def _relabel_revisit(self, group: set[int], table: int, other: int) -> int:
        """Revisits delta if ``group`` moved from ``table`` to ``other``."""
        delta = 0
        for x in group:
            if self.host[x] < 0:
                visits = self.visits[x]
                delta += (1 if visits[other] else 0) - (1 if visits[table] >= 2 else 0)
        return delta

    def apply(self, r: int, a: int, b: int, tb: int) -> None:
        """Make a move returned by ``_moves``."""
        if b >= 0:
            ta = self.remove(r, a)
            self.remove(r, b)
            self.add(r, a, tb)
            self.add(r, b, ta)
        elif b == MOVE_ALONE:
            self.remove(r, a)
            self.add(r, a, tb)
        else:
            ta = self.seat[r][a]
            group_a = list(self.members[r][ta])
            group_b = list(self.members[r][tb])
            for x in group_a + group_b:
                self.remove(r, x)
            for x in group_a:
                self.add(r, x, tb)
            for x in group_b:
                self.add(r, x, ta)

    def _top(self, r: int, a: int, b: int, tb: int) -> int:
        """``max_pair`` after a move, without applying it."""
        top = self.max_pair
        if b == RELABEL:
            return top
        counts, hist = self.counts, self.hist
        members = self.members[r]
        ta = self.seat[r][a]
        changes: list[tuple[int, int]] = []  # (old count, +1/-1)
        row_a = counts[a]
        for x in members[ta]:
            if x != a:
                changes.append((row_a[x], -1))
        for y in members[tb]:
            if y != b:
                changes.append((row_a[y], 1))
        if b >= 0:
            row_b = counts[b]
            for y in members[tb]:
                if y != b:
                    changes.append((row_b[y], -1))
            for x in members[ta]:
                if x != a:
                    changes.append((row_b[x], 1))
        at_top = hist[top]
        for old, step in changes:
            if step > 0:
                if old == top:
                    return top + 1
                if old == top - 1:
                    at_top += 1
            elif old == top:
                at_top -= 1
        return top if at_top > 0 else top - 1

    def run(
        self, max_steps: int, deadline: float, targets: tuple[int, int, int], polish_from: int
    ) -> int:
        """Tabu search until ``targets`` or the budget; leaves the best plan loaded.

        Each step takes the best move of the rovers in trouble in one round, unless it is
        tabu (moving a rover back to a table they just left in that round), and even when it
        makes things worse, to walk off plateaus; after a long time without a better plan it
        goes back to the best one and shakes it a little. Repeats count first. Once they
        reach their bound, or after ``polish_from`` steps, the search "polishes": it starts
        from the best plan and weighs a revisit like a repeat (as if each table had a host),
        so it can trade one for the other on the way; the best plan is still judged
        lexicographically.
        """
        rng = self.rng
        best_cost = self.cost()
        best_seats = self.snapshot()
        steps = 0
        iteration = 0
        last_gain = 0
        steps_at_gain = 0
        # Give up after a quarter of the budget without a better plan; once the repeats are
        # provably optimal the rest is polish, so give up on it sooner.
        patience = max(1, max_steps // 4)
        polish_patience = max(1, max_steps // 10)
        polishing = False
        tables, n = self.tables, self.n
        tabu: dict[int, int] = {}
        while steps < max_steps and self.cost() > targets:
            iteration += 1
            if iteration % 32 == 0 and time.perf_counter() > deadline:
                break
            stale = steps - steps_at_gain
            if stale > patience or (best_cost[0] <= targets[0] and stale > polish_patience):
                break
            if not polishing and (
                steps >= polish_from or (self.excess <= targets[0] and self.max_pair <= targets[1])
            ):
                polishing = True
                if self.cost() != best_cost:
                    self.load(best_seats)
                tabu.clear()
                last_gain = iteration
            r, rovers = self._pick(targets, polishing)
            steps += STEPS_PER_PICK
            excess, revisits = self.excess, self.revisits
            base = (r * n) * tables
            seats = self.seat[r] if r >= 0 else []
            allowed: list[tuple[int, int, int, int, int]] = []  # moves, with the rover first
            for a in rovers:
                moves = self._moves(r, a, polishing)
                steps += len(moves)
                a_base = base + a * tables
                ta = seats[a]
                for delta, rev, b, tb in moves:
                    if (
                        excess + delta < best_cost[0]
                        or (
                            polishing
                            and excess + delta == best_cost[0]
                            and revisits + rev < best_cost[2]
                        )
                        or (
                            tabu.get(a_base + tb, 0) < iteration
                            and (b < 0 or tabu.get(base + b * tables + ta, 0) < iteration)
                        )
                    ):
                        allowed.append((a, delta, rev, b, tb))
            if not allowed:
                continue
            if rng.random() < 0.02:
                chosen = allowed[rng.randrange(len(allowed))]
            else:
                if polishing:
                    primary = [move[1] + move[2] for move in allowed]
                else:
                    primary = [move[1] for move in allowed]
                lowest = min(primary)
                chosen = allowed[0]
                chosen_key: tuple[int, int, float] | None = None
                for value, move in zip(primary, allowed, strict=True):
                    if value == lowest:
                        key = (self._top(r, move[0], move[3], move[4]), move[2], rng.random())
                        if chosen_key is None or key < chosen_key:
                            chosen_key, chosen = key, move
            a, _, _, b, tb = chosen
            tenure = rng.randint(3, 12)
            tabu[base + a * tables + seats[a]] = iteration + tenure
            if b >= 0:
                tabu[base + b * tables + tb] = iteration + tenure
            self.apply(r, a, b, tb)
            cost = self.cost()
            if cost < best_cost:
                if cost[2] > targets[2]:
                    self.relabel_rounds()
                    cost = self.cost()
                best_cost, best_seats, last_gain = cost, self.snapshot(), iteration
                steps_at_gain = steps
            elif iteration - last_gain > 400:
                # Stuck on a plateau: go back to the best plan and shake it a little.
                self.load(best_seats)
                tabu.clear()
                for _ in range(rng.randint(1, 3)):
                    picked = self._pick_random()
                    if picked is not None:
                        moves = self._moves(*picked, False)
                        if moves:
                            _, _, b, tb = moves[rng.randrange(len(moves))]
                            self.apply(picked[0], picked[1], b, tb)
                last_gain = iteration
        if self.cost() != best_cost:
            self.load(best_seats)
        return steps

    def relabel_rounds(self) -> None:
        """Lower revisits without changing who meets whom: per round, give the groups at
        tables without a host the table numbers that fewest of their rovers have visited
        (an assignment problem), round after round until nothing improves."""
        host = self.host
        improved = True
        while improved:
            improved = False
            for r, members in enumerate(self.members):
                free = [t for t in range(self.tables) if t not in self.hosted[r]]
                if len(free) < 2:
                    continue
                groups = [list(members[t]) for t in free]
                cost = []
                for group, current in zip(groups, free, strict=True):
                    row = []
                    for label in free:
                        row.append(
                            sum(
                                1
                                for x in group
                                if host[x] < 0
                                and self.visits[x][label] - (1 if label == current else 0) > 0
                            )
                        )
                    cost.append(row)
                assignment = _assign(cost)
                before = sum(cost[i][i] for i in range(len(free)))
                after = sum(cost[i][assignment[i]] for i in range(len(free)))
                if after < before:
                    improved = True
                    for group in groups:
                        for x in group:
                            self.remove(r, x)
                    for i, group in enumerate(groups):
                        for x in group:
                            self.add(r, x, free[assignment[i]])


def _assign(cost: list[list[int]]) -> list[int]:
    """Hungarian algorithm: the column for each row of a square matrix, at minimum total."""
    size = len(cost)
    inf = float("inf")
    u = [0.0] * (size + 1)
    v = [0.0] * (size + 1)
    owner = [0] * (size + 1)  # owner[column] = row (1-based), 0 = free
    way = [0] * (size + 1)
    for row in range(1, size + 1):
        owner[0] = row
        column = 0
        slack = [inf] * (size + 1)
        used = [False] * (size + 1)
        while True:
            used[column] = True
            current = owner[column]
            delta = inf
            next_column = 0
            for j in range(1, size + 1):
                if not used[j]:
                    reduced = cost[current - 1][j - 1] - u[current] - v[j]
                    if reduced < slack[j]:
                        slack[j] = reduced
                        way[j] = column
                    if slack[j] < delta:
                        delta = slack[j]
                        next_column = j
            for j in range(size + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    slack[j] -= delta
            column = next_column
            if owner[column] == 0:
                break
        while column:
            previous = way[column]
            owner[column] = owner[previous]
            column = previous
    result = [0] * size
    for j in range(1, size + 1):
        result[owner[j] - 1] = j - 1
    return result
