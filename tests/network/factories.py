import datetime as dt

import factory

from network.models import Neighbourhood, OpeningException, OpeningHours, ServicePoint


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    name = factory.Sequence(lambda n: f"测试里{n}")
    name_en = factory.Sequence(lambda n: f"Testli {n}")
    slug = factory.Sequence(lambda n: f"testli-{n}")


class ServicePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePoint

    kind = ServicePoint.Kind.HOME
    name = factory.Sequence(lambda n: f"测试里{n}社区儿童之家")
    name_en = factory.Sequence(lambda n: f"Testli {n} Children's Home")
    slug = factory.Sequence(lambda n: f"home-{n}")
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    address = factory.Sequence(lambda n: f"上海市澄樾路 {n} 号")
    address_en = factory.Sequence(lambda n: f"{n} Chengyue Road, Shanghai")


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    point = factory.SubFactory(ServicePointFactory)
    weekday = 0
    opens = dt.time(9, 0)
    closes = dt.time(17, 0)


class OpeningExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningException

    point = factory.SubFactory(ServicePointFactory)
    date = dt.date(2027, 3, 10)
    closed = True


def open_point(**kwargs) -> ServicePoint:
    """A point families see: with Monday-to-Friday hours."""
    point = ServicePointFactory(**kwargs)
    for weekday in range(5):
        OpeningHoursFactory(point=point, weekday=weekday)
    return point
