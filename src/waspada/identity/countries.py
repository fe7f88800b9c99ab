"""Country codes accepted in MRZ issuing-state and nationality fields.

Data only: ISO 3166-1 alpha-3 codes plus the special codes listed in ICAO
Doc 9303 Part 3 (organisations, stateless persons, refugees, British
nationality classes, Germany's one-letter ``D``), the specimen state ``UTO``
and ``RKS`` (Kosovo: in use, not designated by ICAO).
"""

from __future__ import annotations

_ISO3166_ALPHA3_TEXT = """
    ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN
    BES BFA BGD BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN
    CCK CHE CHL CHN CIV CMR COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU
    DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR
    GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV
    HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM
    KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA
    MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM
    NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL
    PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE
    SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK
    TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB
    VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE
"""
ISO3166_ALPHA3: frozenset[str] = frozenset(_ISO3166_ALPHA3_TEXT.split())

#: ICAO Doc 9303 Part 3 (8th edition, 2021), section 5: the codes that are not
#: ISO 3166-1 alpha-3, as written in the 3-character MRZ field.
ICAO_SPECIAL: dict[str, str] = {
    # Germany uses its one-letter code, padded with fillers.
    "D<<": "Germany",
    # British nationality classes.
    "GBD": "British Overseas Territories Citizen",
    "GBN": "British National (Overseas)",
    "GBO": "British Overseas Citizen",
    "GBP": "British Protected Person",
    "GBS": "British Subject",
    # United Nations and European Union.
    "UNO": "United Nations Organization or one of its officials",
    "UNA": "Specialized agency of the United Nations or one of its officials",
    "UNK": "Resident of Kosovo with a travel document issued by UNMIK",
    "EUE": "European Union",
    # Other organisations.
    "XBA": "African Development Bank",
    "XIM": "African Export-Import Bank",
    "XCC": "Caribbean Community (CARICOM) or one of its emissaries",
    "XCE": "Council of Europe",
    "XCO": "Common Market for Eastern and Southern Africa (COMESA)",
    "XDC": "Southern African Development Community (SADC)",
    "XEC": "Economic Community of West African States (ECOWAS)",
    "XES": "Organisation of Eastern Caribbean States (OECS)",
    "XMP": "Parliamentary Assembly of the Mediterranean",
    "XOM": "Sovereign Military Order of Malta",
    "XPO": "International Criminal Police Organization (INTERPOL)",
    # Persons without a nationality to state.
    "XXA": "Stateless person (1954 Convention)",
    "XXB": "Refugee (1951 Convention)",
    "XXC": "Refugee other than under the 1951 Convention",
    "XXX": "Person of unspecified nationality",
}

#: Codes in real-world use that ICAO has not designated.
IN_USE_NOT_ICAO: dict[str, str] = {
    "RKS": "Kosovo (used on Kosovo passports; ICAO has not designated a code)",
}

#: The fictional issuing state of the ICAO Doc 9303 specimens.
SPECIMEN_CODES: dict[str, str] = {"UTO": "Utopia (ICAO specimen state)"}

VALID_CODES: frozenset[str] = (
    ISO3166_ALPHA3 | frozenset(ICAO_SPECIAL) | frozenset(IN_USE_NOT_ICAO)
    | frozenset(SPECIMEN_CODES)
)

