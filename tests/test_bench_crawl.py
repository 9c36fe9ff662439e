from bench.crawl import Figures, median_run, verdicts


def crawl(rate, tree_mb, pages=1000):
    return Figures("crawl", pages, pages / rate, articles=pages, main_rss_mb=100, tree_rss_mb=tree_mb)


def test_a_row_is_the_median_run_with_every_rate_and_the_highest_peak():
    row = median_run([crawl(300, 350), crawl(360, 380), crawl(330, 340)])
    assert round(row.pages_per_s) == 330
    assert [round(r) for r in row.runs] == [300, 360, 330]
    assert row.tree_rss_mb == 380


def test_verdicts_compare_medians_with_the_targets():
    bare = Figures("bare", 1000, 1000 / 70)
    ok = verdicts(bare, {1: crawl(230, 270), 2: crawl(346, 399)})
    assert [line.rsplit(" ", 1)[1] for line in ok] == ["PASS"] * 4
    short = verdicts(bare, {1: crawl(230, 270), 2: crawl(344, 400)})
    assert [line.rsplit(" ", 1)[1] for line in short] == ["PASS", "MISS", "PASS", "MISS"]
