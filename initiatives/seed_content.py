"""The library's curated starting content, loaded by ``load_seed_content``.

Facts come from public sources (ONS police force area codes, data.police.uk
force ids, Home Office announcements on governance, and the Revolving Doors
Agency / Transition to Adulthood Alliance spotlight briefing of December 2015).
The wording is the library's own. Where a source does not give a fact (start
dates, budgets, outcomes, web addresses), the field is left empty: an empty
field is a prompt for a curator, an invented one is a falsehood.
"""

import datetime
from typing import Any

PCCS_TOOK_OFFICE = datetime.date(2012, 11, 22)

# (slug = data.police.uk force id, name, GSS code, nation, region)
POLICE_AREAS = [
    ("metropolitan", "Metropolitan Police", "E23000001", "england", "london"),
    ("cumbria", "Cumbria", "E23000002", "england", "north-west"),
    ("lancashire", "Lancashire", "E23000003", "england", "north-west"),
    ("merseyside", "Merseyside", "E23000004", "england", "north-west"),
    ("greater-manchester", "Greater Manchester", "E23000005", "england", "north-west"),
    ("cheshire", "Cheshire", "E23000006", "england", "north-west"),
    ("northumbria", "Northumbria", "E23000007", "england", "north-east"),
    ("durham", "Durham", "E23000008", "england", "north-east"),
    (
        "north-yorkshire",
        "North Yorkshire",
        "E23000009",
        "england",
        "yorkshire-and-the-humber",
    ),
    (
        "west-yorkshire",
        "West Yorkshire",
        "E23000010",
        "england",
        "yorkshire-and-the-humber",
    ),
    (
        "south-yorkshire",
        "South Yorkshire",
        "E23000011",
        "england",
        "yorkshire-and-the-humber",
    ),
    ("humberside", "Humberside", "E23000012", "england", "yorkshire-and-the-humber"),
    ("cleveland", "Cleveland", "E23000013", "england", "north-east"),
    ("west-midlands", "West Midlands", "E23000014", "england", "west-midlands"),
    ("staffordshire", "Staffordshire", "E23000015", "england", "west-midlands"),
    ("west-mercia", "West Mercia", "E23000016", "england", "west-midlands"),
    ("warwickshire", "Warwickshire", "E23000017", "england", "west-midlands"),
    ("derbyshire", "Derbyshire", "E23000018", "england", "east-midlands"),
    ("nottinghamshire", "Nottinghamshire", "E23000019", "england", "east-midlands"),
    ("lincolnshire", "Lincolnshire", "E23000020", "england", "east-midlands"),
    ("leicestershire", "Leicestershire", "E23000021", "england", "east-midlands"),
    ("northamptonshire", "Northamptonshire", "E23000022", "england", "east-midlands"),
    ("cambridgeshire", "Cambridgeshire", "E23000023", "england", "east-of-england"),
    ("norfolk", "Norfolk", "E23000024", "england", "east-of-england"),
    ("suffolk", "Suffolk", "E23000025", "england", "east-of-england"),
    ("bedfordshire", "Bedfordshire", "E23000026", "england", "east-of-england"),
    ("hertfordshire", "Hertfordshire", "E23000027", "england", "east-of-england"),
    ("essex", "Essex", "E23000028", "england", "east-of-england"),
    ("thames-valley", "Thames Valley", "E23000029", "england", "south-east"),
    ("hampshire", "Hampshire", "E23000030", "england", "south-east"),
    ("surrey", "Surrey", "E23000031", "england", "south-east"),
    ("kent", "Kent", "E23000032", "england", "south-east"),
    ("sussex", "Sussex", "E23000033", "england", "south-east"),
    ("city-of-london", "City of London", "E23000034", "england", "london"),
    ("devon-and-cornwall", "Devon and Cornwall", "E23000035", "england", "south-west"),
    ("avon-and-somerset", "Avon and Somerset", "E23000036", "england", "south-west"),
    ("gloucestershire", "Gloucestershire", "E23000037", "england", "south-west"),
    ("wiltshire", "Wiltshire", "E23000038", "england", "south-west"),
    ("dorset", "Dorset", "E23000039", "england", "south-west"),
    ("north-wales", "North Wales", "W15000001", "wales", "wales"),
    ("gwent", "Gwent", "W15000002", "wales", "wales"),
    ("south-wales", "South Wales", "W15000003", "wales", "wales"),
    ("dyfed-powys", "Dyfed-Powys", "W15000004", "wales", "wales"),
]

# Governance periods as (kind, body name, start, start precision, end, end
# precision, note). Areas not listed here have had a police and crime
# commissioner since PCCs first took office in November 2012.
# (kind, body name, start, start precision, end, end precision, note)
Governance = tuple[
    str, str | None, datetime.date | None, str, datetime.date | None, str, str
]
PCC_SINCE_2012: Governance = ("pcc", None, PCCS_TOOK_OFFICE, "day", None, "day", "")

GOVERNANCE: dict[str, list[Governance]] = {
    "metropolitan": [
        (
            "mayor",
            "Mayor of London (Mayor's Office for Policing and Crime)",
            datetime.date(2012, 1, 16),
            "day",
            None,
            "day",
            "The Mayor's Office for Policing and Crime replaced the Metropolitan "
            "Police Authority.",
        ),
    ],
    "city-of-london": [
        (
            "police-authority",
            "City of London Police Authority (Court of Common Council)",
            None,
            "day",
            None,
            "day",
            "The City of London has no police and crime commissioner: the City of "
            "London Corporation's Court of Common Council is the police authority.",
        ),
    ],
    "greater-manchester": [
        (
            "mayor",
            "Mayor of Greater Manchester (Greater Manchester Combined Authority)",
            datetime.date(2017, 1, 1),
            "year",
            None,
            "day",
            "",
        ),
    ],
    "west-yorkshire": [
        ("pcc", None, PCCS_TOOK_OFFICE, "day", datetime.date(2021, 5, 1), "month", ""),
        (
            "mayor",
            "Mayor of West Yorkshire (West Yorkshire Combined Authority)",
            datetime.date(2021, 5, 10),
            "day",
            None,
            "day",
            "",
        ),
    ],
    "south-yorkshire": [
        ("pcc", None, PCCS_TOOK_OFFICE, "day", datetime.date(2024, 5, 1), "month", ""),
        (
            "mayor",
            "Mayor of South Yorkshire (South Yorkshire Mayoral Combined Authority)",
            datetime.date(2024, 5, 7),
            "day",
            None,
            "day",
            "",
        ),
    ],
    "north-yorkshire": [
        ("pcc", None, PCCS_TOOK_OFFICE, "day", datetime.date(2018, 1, 1), "year", ""),
        (
            "pfcc",
            "North Yorkshire Police, Fire and Crime Commissioner",
            datetime.date(2018, 1, 1),
            "year",
            datetime.date(2024, 5, 1),
            "month",
            "",
        ),
        (
            "mayor",
            "Mayor of York and North Yorkshire (York and North Yorkshire "
            "Combined Authority)",
            datetime.date(2024, 5, 1),
            "month",
            None,
            "day",
            "",
        ),
    ],
    "essex": [
        ("pcc", None, PCCS_TOOK_OFFICE, "day", datetime.date(2017, 10, 1), "month", ""),
        (
            "pfcc",
            "Police, Fire and Crime Commissioner for Essex",
            datetime.date(2017, 10, 1),
            "month",
            None,
            "day",
            "Essex was the first area where the commissioner also took on "
            "governance of the fire and rescue service.",
        ),
    ],
    "cumbria": [
        ("pcc", None, PCCS_TOOK_OFFICE, "day", datetime.date(2023, 3, 31), "day", ""),
        (
            "pfcc",
            "Police, Fire and Crime Commissioner for Cumbria",
            datetime.date(2023, 4, 1),
            "day",
            None,
            "day",
            "",
        ),
    ],
    "northamptonshire": [
        (
            "pfcc",
            "Police, Fire and Crime Commissioner for Northamptonshire",
            None,
            "day",
            None,
            "day",
            "The date fire governance passed to the commissioner is not yet "
            "recorded in the library.",
        ),
    ],
    "staffordshire": [
        (
            "pfcc",
            "Police, Fire and Crime Commissioner for Staffordshire",
            None,
            "day",
            None,
            "day",
            "The date fire governance passed to the commissioner is not yet "
            "recorded in the library.",
        ),
    ],
    "west-midlands": [
        (
            "pcc",
            None,
            PCCS_TOOK_OFFICE,
            "day",
            None,
            "day",
            "A planned transfer of police and crime functions to the West Midlands "
            "mayor was quashed, and a commissioner was elected on 2 May 2024.",
        ),
    ],
}

THEMES = [
    (
        "frontline-integration",
        "Frontline integration",
        "Services brought together where people first meet them: co-located and "
        "multi-agency teams, joint working between police and partners, and "
        "quicker routes into help for people who are vulnerable.",
    ),
    (
        "grant-funding-for-community-services",
        "Grant funding for community services",
        "Commissioners' funds, large and small, that let community and voluntary "
        "organisations run preventative work and try new ideas before problems "
        "reach the police.",
    ),
    (
        "understanding-demand",
        "Understanding demand",
        "Better shared data and analysis, often with public health, of where "
        "demand on the police and other services comes from and why.",
    ),
    (
        "responding-to-repeat-demand",
        "Responding to repeat demand",
        "Coordinated support for the small number of people who come back again "
        "and again to the police and other services, the 'revolving door'.",
    ),
    (
        "diverting-young-people-from-crime",
        "Diverting young people and young adults from crime",
        "Triage and diversion away from the justice system, earlier work such as "
        "on adverse childhood experiences, and approaches designed for young "
        "adults aged 18 to 25.",
    ),
    (
        "service-transformation",
        "Service transformation",
        "Redesigning services away from separate responses to separate problems "
        "towards flexible, preventative support, sometimes with pooled budgets.",
    ),
    (
        "strategic-partnerships",
        "Strategic partnerships",
        "Commissioners convening health bodies, councils and others around "
        "prevention, shared priorities and joint commissioning.",
    ),
]

# (slug, name, description, min age, max age)
TARGET_GROUPS = [
    (
        "young-people",
        "Children and young people",
        "From the age of criminal responsibility in England and Wales (10) to 17.",
        10,
        17,
    ),
    ("young-adults", "Young adults (18-25)", "", 18, 25),
    ("women", "Women", "", None, None),
    ("people-with-convictions", "People with convictions", "", None, None),
    (
        "people-with-multiple-needs",
        "People with multiple needs",
        "People facing several problems at once, such as homelessness, substance "
        "use, poor mental health and offending.",
        None,
        None,
    ),
    (
        "people-with-mental-health-needs",
        "People with mental health needs",
        "",
        None,
        None,
    ),
    (
        "communities-affected-by-violence",
        "Communities affected by violence",
        "",
        None,
        None,
    ),
    (
        "people-in-repeat-contact",
        "People in repeated contact with services",
        "",
        None,
        None,
    ),
]

# (slug, name, kind, police area slug)
ORGANISATIONS: list[tuple[str, str, str, str | None]] = [
    ("revolving-doors-agency", "Revolving Doors Agency", "voluntary-sector", None),
    (
        "transition-to-adulthood-alliance",
        "Transition to Adulthood Alliance (T2A)",
        "voluntary-sector",
        None,
    ),
    (
        "lancashire-pcc",
        "Office of the Police and Crime Commissioner for Lancashire",
        "pcc-office",
        "lancashire",
    ),
    (
        "south-wales-pcc",
        "Office of the Police and Crime Commissioner for South Wales",
        "pcc-office",
        "south-wales",
    ),
    (
        "essex-pfcc",
        "Office of the Police, Fire and Crime Commissioner for Essex",
        "pcc-office",
        "essex",
    ),
]

ORGANISATION_DESCRIPTIONS = {
    "revolving-doors-agency": "A national charity working to end the cycle of "
    "crisis and crime for people who come back repeatedly into contact with "
    "the criminal justice system.",
    "transition-to-adulthood-alliance": "An alliance of organisations making the "
    "case for a distinct approach to young adults (18-25) in the criminal "
    "justice system.",
    "essex-pfcc": "Until October 2017 this was the office of the Police and "
    "Crime Commissioner for Essex.",
}

BRIEFING: dict[str, Any] = {
    "slug": "pcc-spotlight-4-early-intervention-and-prevention",
    "title": "Spotlight briefing 4: police and crime commissioners' work on "
    "earlier intervention and prevention",
    "series": "PCC spotlight briefings",
    "number": 4,
    "published_on": datetime.date(2015, 12, 17),
    "publishers": ["revolving-doors-agency", "transition-to-adulthood-alliance"],
    "summary": "The fourth briefing in a series on promising work by police and "
    "crime commissioners, written by the Revolving Doors Agency with the "
    "Transition to Adulthood Alliance. It looks at how commissioners were moving "
    "'upstream' to prevent crime and reduce demand at a time of falling public "
    "spending, describes work in Lancashire, South Wales and Essex, and draws "
    "out seven themes in commissioners' prevention work.",
    "key_findings": [
        "Intervening earlier to reduce crime and wider demand is a key priority "
        "for commissioners across the country.",
        "Most of the levers for early intervention sit outside a commissioner's "
        "own powers, so prevention depends on close partnership with community "
        "services.",
        "Many people in contact with the police have significant health and "
        "social care needs: incidents related to mental health were estimated "
        "to take between 20% and 40% of all police time.",
        "A National Audit Office report had found that most forces lacked a "
        "thorough, evidence-based understanding of the demand they face.",
        "Cuts to public spending and policing budgets had pushed police leaders "
        "to look further upstream for ways to reduce demand.",
    ],
}

# Initiatives the briefing describes. No dates, budgets, evaluation results or
# web addresses: the briefing gives none, so those fields stay empty.
INITIATIVES: list[dict[str, Any]] = [
    {
        "slug": "public-services-lancashire",
        "title": "Public Services Lancashire partnership",
        "areas": ["lancashire"],
        "themes": [
            "strategic-partnerships",
            "service-transformation",
            "understanding-demand",
        ],
        "target_groups": [],
        "lead": "lancashire-pcc",
        "summary": "A partnership convened by Lancashire's commissioner with the "
        "county's main public and voluntary sector bodies, investing together in "
        "programmes that help vulnerable people.",
        "description": (
            "The partnership brings Lancashire's major public and voluntary sector "
            "organisations together around shared priorities for vulnerable "
            "people. Its partners plan jointly, share data better and can pool "
            "budgets, so that money goes into programmes that benefit every "
            "partner rather than one service at a time.\n\n"
            "Its programmes include an Early Action Response Team and a women "
            "offenders diversion team, which the library lists separately."
        ),
    },
    {
        "slug": "lancashire-early-action-response-team",
        "title": "Early Action Response Team",
        "areas": ["lancashire"],
        "themes": ["frontline-integration", "service-transformation"],
        "target_groups": [],
        "parent": "public-services-lancashire",
        "summary": "One of the early action programmes of the Public Services "
        "Lancashire partnership.",
        "description": (
            "The 2015 spotlight briefing names the Early Action Response Team as "
            "one of the programmes through which the Public Services Lancashire "
            "partners invest together in earlier help for vulnerable people. The "
            "briefing does not describe how the team works; curators who know "
            "more are invited to add it."
        ),
    },
    {
        "slug": "lancashire-women-offenders-diversion-team",
        "title": "Women offenders diversion team",
        "areas": ["lancashire"],
        "themes": ["frontline-integration", "responding-to-repeat-demand"],
        "target_groups": ["women", "people-with-convictions"],
        "parent": "public-services-lancashire",
        "summary": "A Lancashire team that diverts women who offend away from the "
        "criminal justice system, run as a programme of the Public Services "
        "Lancashire partnership.",
        "description": (
            "Named in the 2015 spotlight briefing among the programmes of the "
            "Public Services Lancashire partnership. The team works on diverting "
            "women offenders; the briefing gives no further detail of its methods "
            "or results."
        ),
    },
    {
        "slug": "south-wales-violent-crime-hotspots",
        "title": "Violent crime project: a public-health approach to hotspots",
        "areas": ["south-wales"],
        "themes": ["understanding-demand", "strategic-partnerships"],
        "target_groups": ["communities-affected-by-violence"],
        "lead": "south-wales-pcc",
        "summary": "Part of South Wales's public-health approach to prevention: "
        "a project that maps violent crime hotspots and studies where victims and "
        "perpetrators come from and which communities are most at risk.",
        "description": (
            "South Wales's commissioner treats prevention as a public-health "
            "question. This project identifies where violent crime concentrates "
            "and builds an understanding of the places victims and perpetrators "
            "come from, so that partners can see which communities are most at "
            "risk and act earlier there."
        ),
    },
    {
        "slug": "south-wales-adverse-childhood-experiences",
        "title": "Work on adverse childhood experiences",
        "areas": ["south-wales"],
        "themes": ["diverting-young-people-from-crime", "understanding-demand"],
        "target_groups": ["young-people"],
        "lead": "south-wales-pcc",
        "summary": "Early, upstream work in South Wales on adverse childhood "
        "experiences (ACEs), as part of a public-health approach to preventing "
        "crime.",
        "description": (
            "Alongside its work on violent crime, South Wales's public-health "
            "approach looks further upstream, at adverse childhood experiences "
            "and the harm they can do later in life. The 2015 briefing cites it "
            "as an example of preventative work that starts well before anyone "
            "comes into contact with the police."
        ),
    },
    {
        "slug": "essex-drop-in-centre-multiple-needs",
        "title": "Drop-in centre for ex-offenders with multiple needs",
        "areas": ["essex"],
        "themes": ["frontline-integration", "responding-to-repeat-demand"],
        "target_groups": ["people-with-convictions", "people-with-multiple-needs"],
        "lead": "essex-pfcc",
        "summary": "A drop-in centre in Essex where people with convictions who "
        "face several problems at once can find support in one place.",
        "description": (
            "Part of the Essex commissioner's prevention work, the centre is a "
            "place people with convictions who face multiple needs can drop in "
            "to, rather than having to find their way between separate services. "
            "The 2015 briefing gives no detail of its running or results."
        ),
    },
    {
        "slug": "essex-mental-health-hub-pilot",
        "title": "Mental health hub pilot",
        "areas": ["essex"],
        "themes": ["frontline-integration", "understanding-demand"],
        "target_groups": ["people-with-mental-health-needs"],
        "lead": "essex-pfcc",
        "status": "pilot",
        "summary": "A pilot mental health hub in Essex, one response to the large "
        "share of police time taken up by incidents related to mental health.",
        "description": (
            "The Essex commissioner's prevention work included piloting a mental "
            "health hub. The 2015 briefing places it among "
            "commissioners' responses to mental-health-related demand, which it "
            "estimates at between a fifth and two fifths of police time."
        ),
    },
]
