from analytics.sectors import SECTOR_ISCO_PREFIXES, Sector, isco_codes_of_sector, sector_of_isco


def test_the_longest_isco_prefix_decides():
    assert sector_of_isco("2166") == Sector.CREATIVE  # graphic and multimedia designers
    assert sector_of_isco("2144") == Sector.INDUSTRY  # mechanical engineers
    assert sector_of_isco("2512") == Sector.DIGITAL  # software developers
    assert sector_of_isco("3521") == Sector.CREATIVE  # broadcasting technicians
    assert sector_of_isco("7112") == Sector.CONSTRUCTION
    assert sector_of_isco("9332") == Sector.TRANSPORT
    assert sector_of_isco("") is None


def test_every_isco_major_group_has_a_sector():
    assert all(sector_of_isco(str(major)) is not None for major in range(10))


def test_no_prefix_is_claimed_by_two_sectors():
    prefixes = [p for values in SECTOR_ISCO_PREFIXES.values() for p in values]
    assert len(prefixes) == len(set(prefixes))


def test_codes_of_a_sector():
    assert isco_codes_of_sector("creative", ["2166", "2144", "2654", ""]) == ["2166", "2654"]
