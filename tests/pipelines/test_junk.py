import pytest

from pipelines.boilerplate import clean_paragraphs
from pipelines.junk import is_date_line, match_junk
from pipelines.widgets import is_currency, menu_lines, weather_lines, weather_shape

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
    # Page texts of kk/ru outlets (tests/pipelines/data/real_texts; the lines marked "reviewer" are quoted
    # from a reviewer's report): widgets, menus and labels, site names, notices, footers, follow calls.
    ("weather_widget", "-24 C"),  # uakytnews.kz: no degree sign
    ("weather_widget", "-0.1 C"),
    ("weather_widget", "Погода в Алматы"),
    ("weather_widget", "Алматы +21°C"),
    ("currency_widget", "USD 479.85"),
    ("currency_widget", "Доллар 479,85"),
    ("currency_widget", "$ 479.85 € 531.40 ₽ 5.21"),
    ("page_chrome", "Танымал"),
    ("page_chrome", "Ел аузында"),
    ("page_chrome", "Жаңа"),
    ("page_chrome", "Жаңалықтар"),
    ("page_chrome", "Саясат"),
    ("page_chrome", "Қоғам"),
    ("page_chrome", "Новости"),
    ("page_chrome", "Главные новости"),
    ("page_chrome", "Politics"),
    ("page_chrome", "BasNewsЖаңалықтар"),  # basnews.kz: the site name glued to a menu label
    ("page_chrome", "Басты бет Саясат Экономика Қоғам"),
    ("page_chrome", "Қаз"),
    ("page_chrome", "Іздеу"),
    ("page_chrome", "Нашар көретіндерге арналған нұсқа"),
    (
        "page_chrome",  # uakytnews.kz (reviewer)
        "Толық немесе ішінара пайдаланғанына қарамастан, сайт материалдарын пайдаланған кезде uakytnews.kz "
        "сайтына гиперсілтеме жасауыңызды сұраймыз.",
    ),
    ("page_chrome", "Сайт материалдарын пайдаланғанда сілтеме жасау міндетті."),
    ("page_chrome", "Ақпарат агенттігінің материалдарын пайдаланған кезде гиперсілтеме міндетті."),
    ("page_chrome", "Abai.kz сайтындағы материалдарды көшіріп басу үшін редакцияның рұқсаты қажет."),
    ("page_chrome", "Материалдарды редакцияның жазбаша рұқсатынсыз көшіруге тыйым салынады."),
    ("page_chrome", "При использовании материалов ссылка на ng.kz обязательна"),
    ("page_chrome", "Перепечатка материалов без разрешения редакции запрещена."),
    ("page_chrome", "Копирование материалов без разрешения редакции запрещено."),
    ("page_chrome", "Materials may not be reproduced without the written permission of the publisher."),
    ("page_chrome", "© 2024 «Новое поколение»"),
    ("page_chrome", "Барлық құқық қорғалған © 2024"),
    ("page_chrome", "Все права сохранены."),
    ("page_chrome", "Редакцияның пікірі авторлардың пікірімен сәйкес келмеуі мүмкін."),
    ("page_chrome", "Мнение редакции может не совпадать с мнением автора."),
    ("page_chrome", "Сайт әкімшілігі"),  # uakytnews.kz (reviewer)
    ("page_chrome", "Пікірлер (3)"),
    ("page_chrome", "Комментарии (0)"),
    ("page_chrome", "Оставить комментарий"),
    ("page_chrome", "Ваш адрес email не будет опубликован. Обязательные поля помечены *"),
    ("page_chrome", "Теги: Караганда, ремонт, дворы"),
    ("page_chrome", "Тегтер: білім, ауыл, мұғалім"),
    ("page_chrome", "#Астана #мектеп"),
    ("page_chrome", "Просмотров: 2 341"),
    ("page_chrome", "523 рет қаралды"),
    ("page_chrome", "Время чтения: 4 мин."),
    ("page_chrome", "Оқу уақыты: 3 минут"),
    ("page_chrome", "5 min read"),
    ("page_chrome", "E-mail: info@turkystan.kz"),
    ("page_chrome", "Тел.: +7 (72533) 3-12-45"),
    ("page_chrome", "Мекенжайымыз: Түркістан қаласы, Тәуке хан даңғылы, 15"),
    ("page_chrome", "Сайтты әзірлеген: WebStudio"),
    (
        "page_chrome",
        "Қазақстан Республикасы Ақпарат және қоғамдық даму министрлігінде тіркелген. Куәлік № 12345-Г",
    ),
    (
        "page_chrome",
        "Сетевое издание зарегистрировано в Министерстве информации и общественного развития РК.",
    ),
    (
        "page_chrome",
        "Мы используем файлы cookie, чтобы сделать сайт удобнее. Продолжая пользоваться сайтом, вы "
        "соглашаетесь с этим.",
    ),
    (
        "page_chrome",
        "Сайт cookie файлдарын пайдаланады. Сайтты пайдалануды жалғастыра отырып, сіз келісесіз.",
    ),
    ("page_chrome", "This website uses cookies to improve your experience."),
    ("share_social", "Facebook"),
    ("share_social", "Бөлісу:"),
    ("share_social", "Подпишитесь на канал Sputnik Казахстан в Telegram"),
    ("share_social", "Біздің Instagram парақшамызға жазылыңыз!"),
    ("share_social", "Subscribe to our newsletter"),
    ("read_also", "Похожие материалы"),
    ("read_also", "Тағы да оқыңыз"),
    ("read_also", "Ең көп оқылған"),
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
    # Story sentences of kk/ru page texts that mention what the rules above are about.
    "Қоғам белсенділері бұл шешімді құптап, әлеуметтік желілерде алғыс айтты.",
    "Синоптиктер түнде ауа температурасы -24 градусқа дейін төмендейтінін болжап отыр.",
    "Reuters агенттігіне сілтеме жасап хабарлағандай, келіссөздер ертең басталады.",  # "citing", not a notice
    "Сот тергеу материалдарын пайдаланып, қамауға алуға рұқсат берді.",
    "Әділет министрлігінде тіркелген қоғамдық бірлестіктер саны 200-ге жетті.",
    "Агентство со ссылкой на министерство сообщило о росте цен.",
    "Депутаты предложили запретить перепечатку новостей без ссылки на источник.",
    "Ол 10 қыркүйек 2024 жылы Астанада өткен жиында сөз сөйледі.",
    "Главный редактор издания заявил, что газета продолжит работу.",
    "В Telegram-канале министерства подписчиков стало больше.",
    "Мы используем все возможности, заявил аким.",
    "Жаңа емхана 30 мыңнан астам тұрғынға қызмет көрсетеді.",
    "Жаңа нысанда 120-дан астам медицина қызметкері жұмыспен қамтылды",  # a highlighted line, no full stop
    "Экономика и политика",
    "Nur-Sultan",  # a city, and "+12", are weather only beside each other
    "+12",
    "Айгүл СӘРСЕНОВА",  # a signature
    # AEB article text: a reporter's address, a site named in the story, a product name, a picture credit
    "pillgoo9@gmail.com",
    "www.jeongdongtheater.com",
    "watchOS",
    "© Reuters",
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
         ("Погода в Астане испортится.", None), ("Кайрат 41", None), ("2024", None), ("-24 C", "unit"),
         ("+12", "temp"), ("Nur-Sultan", "city"), ("Погода в Алматы", "header"),
         ("Погода в Астане испортится", None)],
    )  # fmt: skip
    def test_weather_shape(self, line, shape):
        assert weather_shape(line) == shape

    def test_weather_lines_need_a_header_or_a_run(self):
        shapes = ["city_temp", "city_temp", None, "header", "city", "letter", "city_temp", None]
        assert weather_lines(shapes) == {4, 5, 6}  # two city lines alone are not a widget
        assert weather_lines(["letter", "city_temp", "city", "city_temp", "city_temp"]) == {0, 1, 2, 3, 4}

    def test_weather_lines_with_city_and_value_on_separate_lines(self):
        assert weather_lines(["unit", "city", "unit", "city"]) == {
            0,
            1,
            2,
            3,
        }  # uakytnews "-24 C" / "Nur-Sultan"
        assert weather_lines(["city", "unit", None, "city", "temp", "city", "temp"]) == {0, 1, 3, 4, 5, 6}
        assert weather_lines(["city", "temp", None, "temp"]) == set()  # one city and a number: no list

    @pytest.mark.parametrize(
        ("line", "after_widget", "expected"),
        [("501.24 course down 597.92 course down", False, True), ("447.9 482.16", False, True),
         ("2024 2025", False, False), ("6.42", False, False), ("6.42", True, True),
         ("Курс валют будет стабильным", False, False), ("USD 479.85", False, True),
         ("USD 479", False, False), ("2024 $", False, False)],
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


class TestMenuLines:
    def test_a_run_of_labels_takes_the_unknown_ones_with_it(self):
        texts = ["Басты бет", "Саясат", "Руханият", "Медицина", "Спорт", "Шымкентте жаңа емхана ашылды"]
        assert menu_lines(texts) == {0, 1, 2, 3, 4}

    def test_names_and_short_story_lines_are_no_menu(self):
        assert menu_lines(["Айгүл Сәрсенова", "Марат Ахметов", "Ерлан Жұмабаев", "Спорт"]) == set()
        assert menu_lines(["Саясат", "Экономика"]) == set()  # two labels alone are matched one by one


class TestSiteSlogan:
    """Slogans naming the outlet's places (rules.py SITE_SLOGAN): chrome by shape, wherever they stand."""

    STORY = "В этом году в Актобе отремонтируют 40 улиц, сообщили в отделе ЖКХ города. Работы начнутся в мае."

    @pytest.mark.parametrize(
        "line",
        [
            "Новости Актау и Мангыстау / Ақтау және Манғыстау жаңалықтары",  # lada.kz header (kz-sites §10)
            "Новости Актау и Мангыстау",
            "Ақтау және Манғыстау жаңалықтары",
            "Главные новости Актобе, Казахстана и мира",  # diapazon.kz header and its kk twin
            "Ақтөбе, Қазақстан және әлем жаңалықтары",
            "Новости Атырау",  # azh.kz page text (real_texts/011)
            "Новости Уральска и ЗКО",  # uralskweek.kz page text (real_texts/015)
            "Последние новости Западно-Казахстанской области",
        ],
    )
    def test_slogan_is_chrome(self, line):
        assert match_junk(line) == "page_chrome"

    @pytest.mark.parametrize(
        "line",
        [
            "Новости Актобе обсуждают в соцсетях",  # a headline: a verb after the places
            "Главные новости Актобе, Казахстана и мира за неделю.",
            "Новости о паводках в Атырау",
            "Соңғы жаңалықтар",  # a teaser label, judged at the end of a page (teasers.py)
            "Ақтөбе жаңалықтары туралы айтсақ, биыл көп өзгеріс болды.",
            "Fake News",  # no English shape: "X News" is a brand, a menu or a subhead
            "Fox News",
        ],
    )
    def test_near_miss_is_not_a_slogan(self, line):
        assert match_junk(line) != "page_chrome"

    def test_a_slogan_is_never_the_title_of_a_page_text(self):
        from pipelines.core import extract_text

        text = f"Главные новости Актобе, Казахстана и мира\n{self.STORY}\n{self.STORY.replace('40', '45')}"
        article = extract_text(text)
        assert article.title is None
        assert [r.rule for r in article.removed] == ["page_chrome"]

    def test_a_footer_slogan_leaves_the_body(self):
        cleaned = clean_paragraphs([self.STORY, "Ақтөбе, Қазақстан және әлем жаңалықтары"])
        assert cleaned.paragraphs == (self.STORY,)
