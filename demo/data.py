"""The October 2017 West Mercia Monthly Assurance Meeting, transcribed from its minutes.

The source was extracted from a table and carried stray HTML; this is the same words without
it. Bullets that a page break split are joined again. The July and September 2017 meetings
are known only through the actions item 1 brings forward, so they hold just those.
"""

import datetime

D = datetime.date
T = datetime.time

# The office's settings (people.models.Office) beyond the defaults, which fit West Mercia's.
OFFICE = {"force_name": "West Mercia Police"}

SERIES = {
    "name": "Monthly Assurance Meeting",
    "short_name": "HTA",
    "default_venue": "Meeting Room 1.38 – Hindlip",
    "default_start_time": T(10, 30),
    "rhythm": "Monthly",
    "chairs": ["JC"],
    "default_minute_taker": "JI",
    "minute_taker_capacity": "Policy Officer, OPCC",
}

# (number, heading, kind, brings_forward, children)
STANDING_SECTIONS = [
    ("1", "OUTSTANDING MATTERS / ITEMS BROUGHT FORWARD", "item", True, []),
    ("2", "OPERATIONAL AND REPUTATIONAL OPPORTUNITIES AND RISKS", "item", False, []),
    ("3", "CHIEF OFFICER MEETING / EXECUTIVE BOARD – UPDATE", "item", False, []),
    ("4", "CC / DCC ITEM", "item", False, []),
    (
        "5",
        "HOLDING TO ACCOUNT",
        "item",
        False,
        [
            ("5a", "PERFORMANCE AGAINST THE POLICE AND CRIME PLAN"),
            ("5b", "DELIVERY OF STRATEGIC INITIATIVES:"),
            (
                "5c",
                "HMIC INSPECTION PROGRAMME / MATTERS ARISING FROM THE SERVICE IMPROVEMENT "
                "BOARD (SIB)",
            ),
        ],
    ),
    ("AOB", "AOB:", "item", False, []),
    ("6", "DATE OF NEXT MEETING", "next_meeting", False, []),
]

THEMES = [
    "Putting Victims and Survivors First",
    "Building a More Secure West Mercia",
    "Reassuring West Mercia's Communities",
    "Reforming West Mercia",
]

# initials: (name, job title, organisation, login)
PEOPLE = {
    "JC": ("John Campion", "", "opcc", "commissioner"),
    "TO": ("Tracey Onslow", "", "opcc", ""),
    "AB": ("Amanda Blakeman", "", "force", "dcc"),
    "ME": ("Martin Evans", "", "force", ""),
    "LW": ("Louise Wall", "Inspector", "force", ""),
    "ABa": ("Anthony Bangham", "", "force", ""),
    "AC": ("Andy Champness", "", "opcc", ""),
    "JI": ("Jackie Irvin", "Policy Officer", "opcc", "officer"),
}

# abbreviation: (title, organisation, holder initials, seniority)
POSTS = {
    "PCC": ("Police and Crime Commissioner", "opcc", "JC", 10),
    "DPCC": ("Deputy Police and Crime Commissioner", "opcc", "TO", 20),
    "CEX": ("Chief Executive for the Police and Crime Commissioner", "opcc", "AC", 30),
    "CC": ("Chief Constable", "force", "ABa", 40),
    "DCC": ("Deputy Chief Constable", "force", "AB", 50),
    "ACC": ("Assistant Chief Constable", "force", "ME", 60),
    "SO": ("Chief Constable's Staff Officer", "force", "LW", 70),
}

# Earlier meetings, known only by the actions brought forward to October. The minutes give
# their month, not their day, nor who owned the actions: the days are stand-ins, and the
# owner is the DCC, who answers for the force at these meetings.
EARLIER_MEETINGS = [
    {
        "date": D(2017, 7, 25),
        "item": ("2", "Professional Standards", "Reassuring West Mercia's Communities"),
        "actions": [
            {
                "text": "Update to be brought back to the October holding to account meeting.",
                "owners": ["DCC"],
                "due_meeting": D(2017, 10, 1),
                "due_wording": "October holding to account meeting",
            }
        ],
    },
    {
        "date": D(2017, 9, 26),
        "item": ("2", "Telford", "Building a More Secure West Mercia"),
        "actions": [
            {
                "text": "The scope of the problem and the action plan to address the issue to "
                "be brought back to the October meeting.",
                "owners": ["DCC"],
                "due_meeting": D(2017, 10, 1),
                "due_wording": "October meeting",
            }
        ],
    },
]

OCTOBER = {
    "date": D(2017, 10, 31),
    "start_time": T(10, 30),
    "venue": "Meeting Room 1.38 – Hindlip",
    "chairs": ["JC"],
    "minute_taker": "JI",
    "minute_taker_capacity": "Policy Officer, OPCC",
    "status": "agreed",
    "next_meeting_date": D(2017, 11, 29),
    "next_meeting_time": T(10, 30),
    # (initials, post, capacity as minuted, presence, left after item)
    "attendance": [
        ("JC", "PCC", "Police and Crime Commissioner (PCC)", "present", None),
        ("TO", "DPCC", "Deputy Police and Crime Commissioner (DPCC)", "present", None),
        ("AB", "DCC", "Deputy Chief Constable (DCC)", "present", None),
        ("ME", "ACC", "Assistant Chief Constable (ACC)", "present", "1.2"),
        ("LW", "SO", "Inspector, Chief Constable's Staff Officer (SO)", "present", None),
        ("ABa", "CC", "Chief Constable (CC)", "apologies", None),
        (
            "AC",
            "CEX",
            "Chief Executive for the Police and Crime Commissioner (CEX)",
            "apologies",
            None,
        ),
    ],
}

# Each item: number, heading, and optionally theme, kind, background, question, findings,
# label_findings, actions, nil_return, action_column_note, reviews (reference of the action
# brought forward and its outcome), children.
OCTOBER_ITEMS = [
    {
        "number": "1",
        "heading": "OUTSTANDING MATTERS / ITEMS BROUGHT FORWARD",
        "children": [
            {
                "number": "1.1",
                "kind": "brought_forward",
                "heading": "Professional Standards",
                "theme": "Reassuring West Mercia's Communities",
                "reviews": ("2017/07-01", "replaced"),
                "findings": [
                    "Within the last month there has been an uplift in staff, which along with "
                    "a streamlining of processes has resulted in an improved performance "
                    "position. All complaints are now being recorded within three days and "
                    "where possible finalised within ten.",
                    "There used to be a Professional Standards Department (PSD) resource within "
                    "each local policing area (LPA). This was removed as part of a previous "
                    "rationalisation exercise and the majority of PSD staff are now located at "
                    "Stratford, providing an alliance function.",
                    "A PSD officer is visiting all the local policing areas with outstanding "
                    "complaints to identify those officers who are regularly failing to "
                    "progress complaints and work with the officers to ensure they progress "
                    "complaints.",
                    "Chief Officers are happy with the work done by the Head of PSD to date, but "
                    "any future uplift would form part of dealing more effectively with "
                    "lower-level complaints as soon as they are received. This had previously "
                    "been discussed at the Alliance Governance Group (AGG).",
                ],
                "actions": [
                    {
                        "text": "The outcome of the remodelling of the complaints function to be "
                        "reported back via AGG in two months.",
                        "owners": ["DCC"],
                        "due_date": D(2017, 12, 31),
                        "due_wording": "in two months",
                        "follows_from": "2017/07-01",
                    }
                ],
            },
            {
                "number": "1.2",
                "kind": "brought_forward",
                "heading": "Telford",
                "theme": "Building a More Secure West Mercia",
                "reviews": ("2017/09-01", "replaced"),
                "findings": [
                    "A short, medium and long term plan is being developed.",
                    "The short term plan is in place, interim measures include: upskilling "
                    "special constables; managing safeguarding with hotels; using five "
                    "volunteers to follow up contacts with victims of crime; and the "
                    "reintroduction of a team to deal with low level crimes. The PCC had heard "
                    "first hand from Specials who were enthusiastic about the opportunities "
                    "they had been given to be involved.",
                    "To inform the development of longer term actions the force’s Principal "
                    "Analyst is leading on a piece of work to identify potential drivers for "
                    "crime in the area and to understand why it has higher crime rates than "
                    "other parts of the force. The scope of the analysis is particularly "
                    "focussed around violence, rape and sexual offences. Initial findings have "
                    "identified a number of known hotspots and further work is being done to "
                    "drill down into the data sets to increase understanding. Partners are "
                    "being engaged to provide additional data and information. To date this "
                    "engagement has been at a Community Safety Partnership analyst level. The "
                    "next step is to engage partners at a more strategic level.",
                    "PCC support for CSP analysts is being reviewed at present.",
                    "The ACC has remained personally involved in the Telford project to provide "
                    "a ‘fresh pair of eyes’ to the issue. He intends to remain involved until "
                    "he feels assured that a development plan is in place which will effect "
                    "change at which point he will step back and the Chief Superintendent will "
                    "lead.",
                ],
                "actions": [
                    {
                        "text": "Interim analysis by Principal Analyst to be shared with PCC’s "
                        "office",
                        "owners": ["DCC"],
                        "follows_from": "2017/09-01",
                    },
                    {
                        "text": "ACC’s Telford development plan to be shared with PCC when drafted",
                        "owners": ["ACC"],
                        "follows_from": "2017/09-01",
                    },
                    {
                        "text": "PCC office to share results of CSP analyst review when complete",
                        "owners": ["JI"],
                        "follows_from": "2017/09-01",
                    },
                ],
            },
        ],
    },
    {
        "number": "2",
        "heading": "OPERATIONAL AND REPUTATIONAL OPPORTUNITIES AND RISKS",
        "label_findings": False,
        "findings": [
            "Feedback from the Prime Minister on the Nuneaton firearms incident had been posted "
            "on the forces’ intranet for all staff to access. Letters of thanks were due to be "
            "sent to a number of forces who had provided mutual aid in support of the incident. "
            "Additional support had been requested due to the size of the venue involved.",
            "An inquest into the death of James Massey in 2016 had been opened by the Coroner. "
            "The police had been called to incident prior to Mr Massey shooting himself. "
            "Officers would be appearing to give evidence at the inquest. Officers are provided "
            "legal support and would have been given immediate post incident support.",
            "The integrated information management system, Athena, had gone live in October. "
            "Athena streamlines system processes and replaces four of the main administrative "
            "ICT systems the force uses. As with all new systems its launch had presented a "
            "number of challenges which are now being addressed.",
            "Central Motorway Patrol Group – a brief update was provided on the current "
            "discussions and the information being collated to inform discussions and planning "
            "with neighbouring forces.",
        ],
        "actions": [
            {
                "text": "The Athena update brief to be shared with the PCC's office.",
                "owners": ["DCC"],
            }
        ],
    },
    {
        "number": "3",
        "heading": "CHIEF OFFICER MEETING / EXECUTIVE BOARD – UPDATE",
        "nil_return": "no_items_raised",
    },
    {
        "number": "4",
        "heading": "CC / DCC ITEM - Domestic Burglary Outcomes",
        "label_findings": False,
        "findings": [
            "Nationally a number of factors have led to a reduction in outcomes for domestic "
            "burglaries: changing to outcomes from sanction detections has impacted on the "
            "work done in prisons to encourage offenders to confess to multiple offences; "
            "legislative changes now means admitting additional offences can increase a "
            "sentence; and there has been a shift in many forces to focus on a vulnerability "
            "model.",
            "In West Mercia these factors have resulted in reduced outcomes for domestic "
            "burglary. West Midlands is recognised as one force area which still performs well "
            "in this area.",
            "As the National Police Chief lead in this area, the DCC is chairing a national "
            "group seeking to drive up outcomes and is leading on a piece of work for a "
            "national stolen goods register.",
            "In West Mercia as well as the winter time seasonal increase in domestic burglary "
            "there has also been an increase in violence associated with burglaries, "
            "especially for car key burglaries, and also an increase in repeat victims. As a "
            "consequence there is more work to be done around prevention, offender management "
            "and vulnerability and the DCC is developing an associated briefing paper.",
        ],
        "actions": [
            {
                "text": "DCC to share briefing with PCC's office",
                "owners": ["DCC"],
                "due_date": D(2018, 1, 31),
                "due_wording": "By end January 2018",
            }
        ],
    },
    {
        "number": "5",
        "heading": "HOLDING TO ACCOUNT",
        "children": [
            {
                "number": "5a",
                "heading": "PERFORMANCE AGAINST THE POLICE AND CRIME PLAN",
                "children": [
                    {
                        "number": "1",
                        "theme": "Putting Victims and Survivors First",
                        "heading": "DVPNs",
                        "background": "In November 2016, the Chief Constable committed to "
                        "using Domestic Violence Prevention Notices more consistently across "
                        "the local policing areas to help protect our most vulnerable from "
                        "harm.",
                        "question": "What progress has been made to achieve the Chief "
                        "Constable’s commitment in the last 11 months?",
                        "findings": [
                            "The DCC conceded that the latest data did not show any noticeable "
                            "improvement and that Worcestershire remains the area where they "
                            "are used most. The main influence in South Worcestershire is the "
                            "LPA Superintendent who is very passionate and drives the approach "
                            "there.",
                            "It is not known whether the Worcestershire Domestic Violence Forum "
                            "has any impact on frontline officers use of DVPN’s, but may "
                            "influence partners to promote them.",
                            "A central strategic vulnerability team is in place and the "
                            "vulnerability inspectors have been tasked to identify and share "
                            "good practice.",
                        ],
                        # The minutes leave the ACTION column empty; the wording names the PCC.
                        "actions": [
                            {
                                "text": "The PCC will review the next quarter’s figures and "
                                "decide then whether this needs to be brought back to a future "
                                "HTA",
                                "owners": ["PCC"],
                            }
                        ],
                    },
                    {
                        "number": "2",
                        "theme": "Putting Victims and Survivors First",
                        "heading": "Hate Crime Satisfaction",
                        "background": "In February 2017, the Chief Constable committed to "
                        "focus on improving hate crime satisfaction. Since this time, "
                        "satisfaction has decreased across the majority of measured stages, "
                        "most notably with Treatment.",
                        "question": "Can the Chief Constable explain why performance has "
                        "decreased, in stark contrast to the performance of our alliance "
                        "partners which has continued to improve during the same time period?",
                        "findings": [
                            "West Mercia hate crime satisfaction has not been subject to "
                            "scrutiny at Performance Management Group (PMG) for over two years, "
                            "whereas following scrutiny of Warwickshire’s performance there has "
                            "been a significant improvement after changes were made to their "
                            "policing model. Initially the DCC had been persuaded that the "
                            "Warwickshire approach wouldn’t work in West Mercia, but this needs "
                            "to be looked at again and will take clear action in response to "
                            "it.",
                            "The PCC wants to see tangible evidence of the approach to be taken "
                            "to address how victims are treated.",
                        ],
                        "actions": [
                            {
                                "text": "Draft plan to be shared with PCC’s office in advance of "
                                "November’s HTA after which PCC in discussion with CC to "
                                "determine whether it needs to come back to a HTA",
                                "owners": ["DCC"],
                                "due_meeting": D(2017, 11, 1),
                                "due_wording": "in advance of November’s HTA",
                            }
                        ],
                    },
                    {
                        "number": "3",
                        "theme": "Building a More Secure West Mercia",
                        "heading": "Cyber Crime",
                        "background": "Nationally, the rise in cyber crime has been well "
                        "documented and associated with an overall increase in crime. In "
                        "contrast, there has been a considerable decrease in the volume of "
                        "cyber offences recorded across West Mercia since the start of the "
                        "financial year.",
                        "question": "Is the CC confident that the recording of cyber crime in "
                        "West Mercia accurately reflects the volume of cyber offences "
                        "experienced within our communities?",
                        "findings": [
                            "Until April 2017 officers could apply either ‘cyber enabled’ or "
                            "‘cyber dependent’ crime markers (flags) when recording crimes, "
                            "these were replaced in April 17 with one marker for ‘online crime’ "
                            "when it hadn’t been reported to Action Fraud (AF). The changes in "
                            "the flagging system and reliability in their use means that the "
                            "DCC cannot be confident that they provide a true picture of the "
                            "level of cyber crime.",
                            "Many offences are reported directly to AF and the force is in "
                            "ongoing discussions with AF seeking to improve the service "
                            "provided to victims.",
                            "The force is seeking to protect the most vulnerable victims.",
                        ],
                        "nil_return": "no_actions",
                    },
                    {
                        "number": "4",
                        "theme": "Building a More Secure West Mercia",
                        "heading": "Fraud",
                        "question": "Can the CC provide reassurance that fraud offences which "
                        "are referred back into the force are subject to a proportionate "
                        "investigation and all vulnerability factors of victims are properly "
                        "considered?",
                        "findings": [
                            "Fraud offences referred back from AF are subject to a "
                            "proportionate investigation. There is a service level agreement "
                            "in place with AF and the force has both a strategic and tactical "
                            "approach.",
                            "The Economic Crime Unit (ECU) lead on fraud investigations and a "
                            "cyber unit deals with cyber referrals.",
                            "Ensuring appropriate safeguarding is in place around victims once "
                            "they have been identified is important and financial institutions "
                            "are now able to contact the police when they identify vulnerable "
                            "people.",
                            "HMICFRS will be inspecting forces’ local approach to dealing with "
                            "fraud and the PCC questioned whether the CC and DCC are reassured "
                            "with the current position. The DCC intends to undertake some "
                            "internal audit of fraud investigations which will be reported "
                            "back through the Service Improvement Board to seek assurances on "
                            "the force position.",
                            "The ECU provide the PCC with a monthly overview on the number of "
                            "frauds reported in West Mercia to AF, but this does not include "
                            "any outcome information, however a bi annual report from the "
                            "National Fraud Intelligence Bureau presents a positive picture.",
                        ],
                        "nil_return": "no_actions",
                    },
                    {
                        "number": "5",
                        "theme": "Reassuring West Mercia's Communities",
                        "heading": "Visibility",
                        "background": "Visibility of police officers is known to be a driver "
                        "of public confidence and is regularly raised by the community.",
                        "question": "Can the Chief Constable give reassurance around his plans "
                        "to ensure the force is able to maximise visibility within our "
                        "communities and how he would propose this is measured?",
                        "findings": [
                            "The force has improved its most similar force family group "
                            "position for confidence, moving from 8th to 4th.",
                            "The summer policing plans were developed to address police "
                            "visibility and this will be carried through into the winter "
                            "plans.",
                            "In rural areas there is generally less harm, therefore less police "
                            "visibility, but there is now a recognition that the rural areas "
                            "need reassurance. As a result some work is being done to look at "
                            "local community requirements and to develop a visibility plan "
                            "tailored to each LPA. These local plans won't feed into a force "
                            "wide plan as they are about local need.",
                            "The PCC commented that the 'Open for Business' approach does not "
                            "seem to have been embraced by the force, other than in Malvern, "
                            "even though the feedback from the public is very positive. The DCC "
                            "stated she and the CC were committed to it. The original concept "
                            "had come from a serving officer, but that doesn't seem to have "
                            "been understood by the workforce. It will mean an ongoing "
                            "conversation and a cultural change, but the chief officers will "
                            "persist.",
                        ],
                        "nil_return": "no_actions",
                    },
                ],
            },
            {
                "number": "5b",
                "heading": "DELIVERY OF STRATEGIC INITIATIVES:",
                "nil_return": "no_items_on_agenda",
            },
            {
                "number": "5c",
                "heading": "HMIC INSPECTION PROGRAMME / MATTERS ARISING FROM THE SERVICE "
                "IMPROVEMENT BOARD (SIB)",
                "nil_return": "no_items_on_agenda",
            },
        ],
    },
    {
        # The minutes number AOB "5." a second time; it keeps its own label here.
        "number": "AOB",
        "heading": "AOB:",
        "background": "The PCC is reviewing the holding to account process and will share his "
        "proposals with the CC once finalised.",
    },
    {
        "number": "6",
        "kind": "next_meeting",
        "heading": "DATE OF NEXT MEETING",
        "action_column_note": "ALL",
    },
]
