import pytest

from pipelines.boilerplate import clean_paragraphs
from pipelines.junk import is_currency, is_date_line, match_junk, weather_lines, weather_shape

# One line per rule family and language, each seen in a real page (seeds, samples, kz-sites.md).
JUNK_LINES = [
    ("currency_widget", "Курс валют"),  # seeds/002
    (
        "currency_widget",
        "\u00a0501.24\u00a0 course down \u00a0597.92\u00a0 course down \u00a06.64\u00a0 course up",
    ),
    ("currency_widget", "Курс валют 501.24 course down"),
    ("currency_widget", "Currency rates: usd/kzt 447.9 eur/kzt 482.16"),
    ("currency_widget", "$ 498.55 +0.04 … Курсы Национального Банка РК"),
    ("currency_widget", "Курсы валют в банках Актау: 496 588.01 6.42"),  # lada.kz
    ("weather_widget", "Погода"),
    ("weather_widget", "Weather: Astana+28+30℃"),
    ("weather_widget", "location-current"),
    ("weather_widget", "13°C"),  # tengrinews homepage widget
    ("weather_widget", "687 hPa"),
    ("weather_widget", "Температура воды в Каспийском море"),
    ("weather_widget", "Ауа райы"),
    ("share_social", "ПОДЕЛИТЬСЯ"),
    ("share_social", "Поделитесь новостью"),
    ("share_social", "Join Telegram"),
    (
        "share_social",  # nur.kz (kz-sites §4)
        "Подписывайтесь на наш Telegram-канал @sportnurkz . "
        "Здесь вы найдете все самые свежие новости спорта.",
    ),
    ("share_social", "Наши новости теперь в WhatsApp!"),
    ("share_social", "Google News"),
    ("share_social", "Следите за новостями Zakon.kz в Google News"),
    ("share_social", "Жаңалықтар телефоныңда"),
    ("share_social", "Tell a friend"),
    ("share_social", "Рассказать друзьям"),
    ("share_social", "Подписаться"),
    ("share_social", "Subscribe"),
    ("read_also", "Читайте также"),
    (
        "read_also",
        "Читайте также: Токаев: Мы уделяем первостепенное внимание развитию сотрудничества с Узбекистаном",
    ),
    ("read_also", "Новости по теме"),
    ("read_also", "Related news"),
    ("read_also", "relevant news"),
    ("read_also", "Popular"),
    ("read_also", "Самое читаемое"),
    ("read_also", "Оқи отырыңыз"),
    ("read_also", "Тақырыпқа қатысты"),
    ("read_also", "Тағы оқыңыз: Астанада жаңа мектеп ашылды"),
    ("page_chrome", "Skip to Content"),  # seeds/004
    ("page_chrome", "Go to the main site"),
    ("page_chrome", "Main Page > News > President"),
    ("page_chrome", "ру қз qz 中文"),
    ("page_chrome", "Рус Қаз Eng"),
    ("page_chrome", "Редакция +7 (777) 001 44 99"),
    ("page_chrome", "Редакция Реклама"),
    ("page_chrome", "Социальные сети"),
    ("page_chrome", "Нашли ошибку? Выделите текст и нажмите Ctrl+Enter"),
    ("page_chrome", "Беттегі қате"),
    (
        "page_chrome",
        "This information may not be reproduced without reference to Kazakhstan Today news agency.",
    ),
    ("page_chrome", "При полном или частичном использовании материалов ссылка на Tengrinews.kz обязательна"),
    ("page_chrome", "18+"),
    ("page_chrome", "8447 просмотров"),
    ("page_chrome", "Tengrinews"),
    ("page_chrome", "Kazinform"),
    ("promo", "Заходите в наш спецпроект вселенная китайских авто"),
    (
        "promo",
        "Китайских авто все больше на наших дорогах! Заходите в наш спецпроект вселенная китайских авто",
    ),
    ("promo", "*Банковская деятельность лицензируется в Республике Казахстан"),
    ("promo", "Реклама на сайте diapazon.kz, в Инстаграм @gazeta_diapazon и на радио"),
    ("social_embed", "Посмотреть эту публикацию в Instagram"),  # samples row 3
    ("social_embed", "Публикация от Kazakhstan national football team (@kff_team)"),
]

# Story sentences that mention the same things and must stay.
STORY_LINES = [
    "Президент заявил, что курс валют будет стабильным в 2026 году.",
    "Курс доллара вырос до 501 тенге, сообщает Нацбанк.",
    "доллар: покупка – 538,5-539 тенге, продажа – 540-540,5 тенге; евро: покупка – 627-630 тенге.",
    "В Telegram-канале акимата сообщили, что дороги закрыты.",
    "Погода в Астане испортится, сообщили синоптики Казгидромета, ожидается снег.",
    "Температура воздуха в Астане опустится до -16 градусов.",
    "Читатели Tengrinews пишут, что Google News показывает старые новости, и это обсуждается в сети.",
    "Следите за новостями, советуют в ДЧС, потому что ситуация может измениться в любой момент.",
    "Реклама табака запрещена законом, напомнили в министерстве.",
    "Социальные сети заблокировали в ряде регионов, сообщает ведомство.",
    "Kazinform cites the official website of the akimat.",
    "Публикация от 5 мая вызвала скандал.",
    "Фото-выставка открылась в Алматы.",
    "Победители марафона",  # a subheading (samples row 2)
    "В 2025 году износ оценивается в 52%.",
    "Астана -16",  # a lone city–number line is not enough for a weather widget
    "2024 2025",
]


class TestMatchJunk:
    @pytest.mark.parametrize(("rule", "line"), JUNK_LINES)
    def test_junk_line_is_named(self, rule, line):
        assert match_junk(line) == rule

    @pytest.mark.parametrize("line", STORY_LINES)
    def test_story_sentence_is_not_junk(self, line):
        assert match_junk(line) is None

    @pytest.mark.parametrize(("rule", "line"), JUNK_LINES)
    def test_junk_line_is_removed_from_a_body_and_the_story_kept(self, rule, line):
        story = "Аким города провел встречу с жителями микрорайона и ответил на их вопросы о ремонте дорог."
        cleaned = clean_paragraphs([story, line])
        assert cleaned.paragraphs == (story,)
        assert [r.rule for r in cleaned.removed] == [rule]

    def test_date_lines_are_left_for_the_page_text_header(self):
        assert match_junk("Monday, November 30th, 2020") is None
        assert clean_paragraphs(["Monday, November 30th, 2020"]).removed[0].rule == "date_line"


class TestShapes:
    @pytest.mark.parametrize(
        ("line", "shape"),
        [("Погода", "header"), ("Weather: Astana+28+30℃", "header"), ("+24°C", "unit"), ("687 hPa", "unit"),
         ("Алматы -2", "city_temp"), ("Усть-Каменогорск 1", "city_temp"), ("Алматы", "city"), ("Ж", "letter"),
         ("Погода в Астане испортится.", None), ("Кайрат 41", None), ("2024", None)],
    )  # fmt: skip
    def test_weather_shape(self, line, shape):
        assert weather_shape(line) == shape

    def test_weather_lines_need_a_header_or_a_run(self):
        shapes = ["city_temp", "city_temp", None, "header", "city", "letter", "city_temp", None]
        assert weather_lines(shapes) == {4, 5, 6}  # two city lines alone are not a widget
        assert weather_lines(["letter", "city_temp", "city", "city_temp", "city_temp"]) == {0, 1, 2, 3, 4}

    @pytest.mark.parametrize(
        ("line", "after_widget", "expected"),
        [("501.24 course down 597.92 course down", False, True), ("447.9 482.16", False, True),
         ("2024 2025", False, False), ("6.42", False, False), ("6.42", True, True),
         ("Курс валют будет стабильным", False, False)],
    )  # fmt: skip
    def test_is_currency(self, line, after_widget, expected):
        assert is_currency(line, after_widget=after_widget) is expected


class TestDateLine:
    """The bare-date-line pattern uses every form of pipelines/dates_data.py, and only whole short lines."""

    @pytest.mark.parametrize(
        "line",
        [
            "Monday, November 30th, 2020",
            "18 октября 2024 | 16:08",
            "Пятница, 04 Июл 2025, 12:00",  # ratel.kz: weekday and month abbreviation
            "15:00, 23 Ноябрь 2025",  # Kazinform nominative
            "11:17, 30 Qańtar 2026 | GMT +5",
            "09 Sáýir, 2023",
            "15 Nauryz 2024",  # 2021 Latin spelling
            "5 қаңтарда 2026",  # kk locative
            "Sat, 5 Mar 2024",
            "Вчера, 11:22",
            "Búgin, 14:20",
            "24.08.2025, 15:10 28971",
        ],
    )
    def test_date_lines(self, line):
        assert is_date_line(line)

    @pytest.mark.parametrize(
        "line",
        [
            "24 июля на площадке павильона России стартовала выставка",
            "Jerasty dúmpýi 30 qańtarda Astana ýaqytymen saǵat 7:54-te",
            "5 мая 2024 года в Астане прошёл форум",
            "В мае 2024 года",
            "Там 15 человек",
            "Mar 5, 2024 was a Tuesday",
            "Вчера в Алматы прошёл митинг",
            "Публикация от 5 мая вызвала скандал.",
        ],
    )
    def test_story_sentences_are_not_date_lines(self, line):
        assert not is_date_line(line)
