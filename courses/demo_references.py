"""Review metadata of the demo modules, keyed by module slug: which modules are
crisis content, and the sources behind each module's evidence claims.

`courses.demo` writes these into every seeded module (both languages). A
source is listed only where the module relies on it; a link is given only
where it is a DOI or an official page known to be right, otherwise left
empty. Chinese documents keep their official titles and document numbers.
"""

# Modules whose advice a family may follow in a suicide or self-harm
# emergency: the three crisis-intervention modules, and talking-about-life,
# whose grief lesson covers a child who says they want to die or to "go and
# be with" the person who died. They get the shorter review cycle and are
# withheld from families when their review lapses. exam-anxiety's single
# self-harm callout is a pointer to help, not crisis guidance: normal cycle.
CRISIS_CONTENT = frozenset({
    "recognising-crisis-signs",
    "after-a-crisis",
    "teachers-first-response",
    "talking-about-life",
})


def _ref(author, year, title, source="", url=""):
    return {"author": author, "year": year, "title": title, "source": source, "url": url}


# --- Suicide prevention ---------------------------------------------------------
DAZZI_2014 = _ref(
    "Dazzi T, Gribble R, Wessely S, Fear NT", 2014,
    "Does asking about suicide and related behaviours induce suicidal ideation? "
    "What is the evidence?",
    "Psychological Medicine, 44(16), 3361–3363",
    "https://doi.org/10.1017/S0033291714001299",
)
DECOU_2018 = _ref(
    "DeCou CR, Schumann ME", 2018,
    "On the iatrogenic risk of assessing suicidality: a meta-analysis",
    "Suicide and Life-Threatening Behavior, 48(5), 531–543",
    "https://doi.org/10.1111/sltb.12368",
)
AFSP_WARNING_SIGNS = _ref(
    "American Foundation for Suicide Prevention (AFSP)", None,
    "Risk factors, protective factors, and warning signs",
    "afsp.org",
)
NIMH_ASQ = _ref(
    "National Institute of Mental Health (NIMH)", None,
    "Ask Suicide-Screening Questions (ASQ) Toolkit",
    "nimh.nih.gov",
)
WHO_MEDIA_2023 = _ref(
    "World Health Organization", 2023,
    "Preventing suicide: a resource for media professionals, update 2023",
    "Geneva: World Health Organization",
)
STANLEY_BROWN_2012 = _ref(
    "Stanley B, Brown GK", 2012,
    "Safety Planning Intervention: a brief intervention to mitigate suicide risk",
    "Cognitive and Behavioral Practice, 19(2), 256–264",
)
STANLEY_2018 = _ref(
    "Stanley B, Brown GK, Brenner LA, Galfalvy HC, Currier GW, Knox KL, "
    "Chaudhury SR, Bush AL, Green KL", 2018,
    "Comparison of the Safety Planning Intervention with follow-up vs usual care of "
    "suicidal patients treated in the emergency department",
    "JAMA Psychiatry, 75(9), 894–900",
    "https://doi.org/10.1001/jamapsychiatry.2018.1776",
)
# The weeks after a psychiatric discharge carry the highest risk.
CHUNG_2017 = _ref(
    "Chung DT, Ryan CJ, Hadzi-Pavlovic D, Singh SP, Stanton C, Large MM", 2017,
    "Suicide rates after discharge from psychiatric facilities: a systematic review "
    "and meta-analysis",
    "JAMA Psychiatry, 74(7), 694–702",
    "https://doi.org/10.1001/jamapsychiatry.2017.1044",
)
# Making the means hard to reach protects (means restriction).
YIP_2012 = _ref(
    "Yip PSF, Caine E, Yousuf S, Chang SS, Wu KC, Chen YY", 2012,
    "Means restriction for suicide prevention",
    "The Lancet, 379(9834), 2393–2399",
    "https://doi.org/10.1016/S0140-6736(12)60521-2",
)
AFSP_SPRC_SCHOOLS_2018 = _ref(
    "American Foundation for Suicide Prevention, Suicide Prevention Resource Center",
    2018, "After a suicide: a toolkit for schools (2nd ed.)",
)

# --- Chinese law and national guidance --------------------------------------------
MINORS_PROTECTION_LAW_2020 = _ref(
    "全国人民代表大会常务委员会", 2020,
    "《中华人民共和国未成年人保护法》（2020年修订）第十一条（强制报告）",
    "2021年6月1日起施行",
)
MANDATORY_REPORTING_2020 = _ref(
    "最高人民检察院、国家监察委员会、教育部、公安部、民政部、司法部、"
    "国家卫生健康委员会、共青团中央、全国妇联", 2020,
    "《关于建立侵害未成年人案件强制报告制度的意见（试行）》",
    "高检发〔2020〕9号",
)
MENTAL_HEALTH_LAW = _ref(
    "全国人民代表大会常务委员会", 2012,
    "《中华人民共和国精神卫生法》第二十三条、第二十九条",
    "2013年5月1日起施行",
)
NHC_AUTISM_SCREENING_2022 = _ref(
    "国家卫生健康委办公厅", 2022,
    "《0～6岁儿童孤独症筛查干预服务规范（试行）》",
    "国卫办妇幼发〔2022〕12号",
)
MOE_SLEEP_2021 = _ref(
    "教育部办公厅", 2021,
    "《关于进一步加强中小学生睡眠管理工作的通知》",
    "教基厅函〔2021〕11号",
)

# --- Development, emotion and family --------------------------------------------
SPEECE_BRENT_1984 = _ref(
    "Speece MW, Brent SB", 1984,
    "Children's understanding of death: a review of three components of a death "
    "concept",
    "Child Development, 55(5), 1671–1686",
)
SELIGMAN_2011 = _ref(
    "Seligman MEP", 2011,
    "Flourish: a visionary new understanding of happiness and well-being",
    "New York: Free Press",
)
LAMBERT_2013 = _ref(
    "Lambert NM, Stillman TF, Hicks JA, Kamble S, Baumeister RF, Fincham FD", 2013,
    "To belong is to matter: sense of belonging enhances meaning in life",
    "Personality and Social Psychology Bulletin, 39(11), 1418–1427",
)
PETERSON_SELIGMAN_2004 = _ref(
    "Peterson C, Seligman MEP", 2004,
    "Character strengths and virtues: a handbook and classification",
    "Oxford University Press; American Psychological Association",
)
SELIGMAN_2005 = _ref(
    "Seligman MEP, Steen TA, Park N, Peterson C", 2005,
    "Positive psychology progress: empirical validation of interventions",
    "American Psychologist, 60(5), 410–421",
)
MUELLER_DWECK_1998 = _ref(
    "Mueller CM, Dweck CS", 1998,
    "Praise for intelligence can undermine children's motivation and performance",
    "Journal of Personality and Social Psychology, 75(1), 33–52",
)
THOMAS_2017_PCIT = _ref(
    "Thomas R, Abell B, Webb HJ, Avdagic E, Zimmer-Gembeck MJ", 2017,
    "Parent-child interaction therapy: a meta-analysis",
    "Pediatrics, 140(3), e20170352",
)
GORDON_1970 = _ref(
    "Gordon T", 1970, "Parent effectiveness training",
    "New York: Peter H. Wyden",
)
CASEY_2008 = _ref(
    "Casey BJ, Jones RM, Hare TA", 2008, "The adolescent brain",
    "Annals of the New York Academy of Sciences, 1124, 111–126",
)
STEINBERG_2008 = _ref(
    "Steinberg L", 2008,
    "A social neuroscience perspective on adolescent risk-taking",
    "Developmental Review, 28(1), 78–106",
)
FEINBERG_2003 = _ref(
    "Feinberg ME", 2003,
    "The internal structure and ecological context of coparenting: a framework for "
    "research and intervention",
    "Parenting: Science and Practice, 3(2), 95–131",
)
LIEBERMAN_2007 = _ref(
    "Lieberman MD, Eisenberger NI, Crockett MJ, Tom SM, Pfeifer JH, Way BM", 2007,
    "Putting feelings into words: affect labeling disrupts amygdala activity in "
    "response to affective stimuli",
    "Psychological Science, 18(5), 421–428",
)
ZACCARO_2018 = _ref(
    "Zaccaro A, Piarulli A, Laurino M, Garbella E, Menicucci D, Neri B, Gemignani A",
    2018,
    "How breath-control can change your life: a systematic review on "
    "psycho-physiological correlates of slow breathing",
    "Frontiers in Human Neuroscience, 12, 353",
)
JAMIESON_2010 = _ref(
    "Jamieson JP, Mendes WB, Blackstock E, Schmader T", 2010,
    "Turning the knots in your stomach into bows: reappraising arousal improves "
    "performance on the GRE",
    "Journal of Experimental Social Psychology, 46(1), 208–212",
)
JACOBSON_1938 = _ref(
    "Jacobson E", 1938, "Progressive relaxation",
    "Chicago: University of Chicago Press",
)
BECK_2011 = _ref(
    "Beck JS", 2011, "Cognitive behavior therapy: basics and beyond (2nd ed.)",
    "New York: Guilford Press",
)
PARUTHI_2016 = _ref(
    "Paruthi S, Brooks LJ, D'Ambrosio C, et al.", 2016,
    "Recommended amount of sleep for pediatric populations: a consensus statement "
    "of the American Academy of Sleep Medicine",
    "Journal of Clinical Sleep Medicine, 12(6), 785–786",
)

# --- Autism -------------------------------------------------------------------
LORD_2018 = _ref(
    "Lord C, Elsabbagh M, Baird G, Veenstra-VanderWeele J", 2018,
    "Autism spectrum disorder", "The Lancet, 392(10146), 508–520",
)
TAYLOR_2014 = _ref(
    "Taylor LE, Swerdfeger AL, Eslick GD", 2014,
    "Vaccines are not associated with autism: an evidence-based meta-analysis of "
    "case-control and cohort studies",
    "Vaccine, 32(29), 3623–3629",
    "https://doi.org/10.1016/j.vaccine.2014.04.085",
)
HVIID_2019 = _ref(
    "Hviid A, Hansen JV, Frisch M, Melbye M", 2019,
    "Measles, mumps, rubella vaccination and autism: a nationwide cohort study",
    "Annals of Internal Medicine, 170(8), 513–520",
    "https://doi.org/10.7326/M18-2101",
)
HUME_2021 = _ref(
    "Hume K, Steinbrenner JR, Odom SL, et al.", 2021,
    "Evidence-based practices for children, youth, and young adults with autism: "
    "third generation review",
    "Journal of Autism and Developmental Disorders, 51(11), 4013–4032",
)

# What each module's claims rest on (in the order the claims appear).
REFERENCES = {
    # Warning signs and acting the same day; asking directly does not raise
    # risk; screening; referral for assessment to a medical institution.
    "recognising-crisis-signs": [
        AFSP_WARNING_SIGNS, DAZZI_2014, DECOU_2018, NIMH_ASQ, MENTAL_HEALTH_LAW,
    ],
    # The higher risk in the first weeks; safety planning and its evidence;
    # making the home safer (means restriction); same-day warning signs.
    "after-a-crisis": [CHUNG_2017, STANLEY_BROWN_2012, STANLEY_2018, YIP_2012,
                       AFSP_WARNING_SIGNS],
    # Mandatory reporting of suspected harm; the teacher's role (notice,
    # stay, refer; no diagnosis); no details to the class.
    "teachers-first-response": [
        MINORS_PROTECTION_LAW_2020, MANDATORY_REPORTING_2020, MENTAL_HEALTH_LAW,
        AFSP_SPRC_SCHOOLS_2018, WHO_MEDIA_2023,
    ],
    # Children's concept of death; meaning from connection and contribution;
    # talk of wanting to die after a loss is a warning sign.
    "talking-about-life": [SPEECE_BRENT_1984, SELIGMAN_2011, LAMBERT_2013,
                           AFSP_WARNING_SIGNS],
    # Character strengths; using them; praising effort rather than ability.
    "seeing-strengths": [PETERSON_SELIGMAN_2004, SELIGMAN_2005, MUELLER_DWECK_1998],
    # Child-led special time; I-statements.
    "parent-child-communication": [THOMAS_2017_PCIT, GORDON_1970],
    # Adolescent brain development (a simplification of this research).
    "teenage-conflict": [CASEY_2008, STEINBERG_2008],
    # Consistency between the adults who raise a child.
    "grandparents-co-parenting": [FEINBERG_2003],
    # Naming feelings calms the brain's alarm; slow breathing.
    "naming-feelings": [LIEBERMAN_2007, ZACCARO_2018],
    # Arousal before a test; slow breathing; muscle relaxation; thoughts are
    # not facts; sleep by school stage.
    "exam-anxiety": [JAMIESON_2010, ZACCARO_2018, JACOBSON_1938, BECK_2011,
                     MOE_SLEEP_2021, PARUTHI_2016],
    # What autism is; no link with vaccines; the 0–6 screening pathway;
    # visual supports.
    "understanding-autism": [LORD_2018, TAYLOR_2014, HVIID_2019,
                             NHC_AUTISM_SCREENING_2022, HUME_2021],
    # Sensory differences; clear instructions, visual schedules, peer support.
    "inclusive-classrooms": [LORD_2018, HUME_2021],
}
