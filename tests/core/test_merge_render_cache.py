"""Recipients with the same values in a template's fields share one render: the messages
are exactly those rendered one by one, 1 / 1.0 / True / "1" stay apart, and a template
that draws random text is rendered for everyone."""

from __future__ import annotations

import random

from faker import Faker

from core.compose.template import Compiled, EmptyValue, Template

TEMPLATE = Template(
    subject="{{ first_name | default('friend') | title }}, {{ orders }} orders",
    text="Hello {{ first_name | default('there') }}!\n{% for p in recommendations %}- {{ p }}\n{% endfor %}"
         "{% if vip %}VIP{% endif %}",
    html="<p>{{ first_name | default('') }}</p>",
)
FIELDS = ["first_name", "orders", "recommendations", "vip", "email"]


def _people(seed: int, n: int = 400) -> list[dict]:
    fake, rng = Faker("de_DE"), random.Random(seed)
    Faker.seed(seed)
    names = [fake.first_name() for _ in range(25)]
    return [{"first_name": rng.choice(names + [EmptyValue(name="first_name")]),
             "orders": rng.choice([1, 1.0, True, "1", 2, 2.5]),
             "recommendations": rng.choice([[], ["Tee"], ["Tee", "Mug"]]),
             "vip": rng.choice([True, False, EmptyValue(name="vip")]),
             "email": fake.email()} for _ in range(n)]


def test_shared_renders_equal_renders_one_by_one():
    for seed in (1, 2, 3):
        people = _people(seed)
        compiled = Compiled(TEMPLATE, FIELDS)
        shared = [compiled.render(p) for p in people]
        alone = [Compiled(TEMPLATE, FIELDS).render(p) for p in people]
        assert shared == alone
        keys = {(_shown(p["first_name"]), type(p["orders"]), p["orders"], tuple(p["recommendations"]),
                 _shown(p["vip"])) for p in people}
        assert len(compiled._cache) == len(keys) < len(people)  # the e-mail is in no part


def _shown(value):
    return None if isinstance(value, EmptyValue) else value


def test_one_and_true_render_apart():
    compiled = Compiled(Template(subject="{{ orders }}"), ["orders"])
    assert [compiled.render({"orders": v}).subject for v in (1, 1.0, True, "1", 1)] == [
        "1", "1.0", "True", "1", "1"]


def test_random_text_is_never_shared():
    compiled = Compiled(Template(subject="{{ first_name }}", text="{{ lipsum(1) }}"), ["first_name"])
    compiled.render({"first_name": "Ada"})
    assert compiled._cache is None
