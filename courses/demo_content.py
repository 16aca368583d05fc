"""The demo modules' writing: original, evidence-informed, never a diagnosis.

Compact shape, expanded by `courses.demo`:
  lesson body: list of paragraphs ("## " starts a heading);
  "callout": (kind, title, text); "quiz": [(prompt, multiple, [(choice, correct,
  feedback), ...]), ...]; "audio": {"title", "transcript"};
  module "resource": (title, [checklist lines]) goes on the last lesson.
"""

# Lines a reader may need at any hour: 120/110 first, then the 24-hour lines only (the
# text may say "now"). 12356/962525 hours: as in portal.crisis; re-check before launch.
# The seek_help callout template lists the site's crisis lines itself, so callouts say
# in words what to do now instead of inlining these.
HOTLINES = ("120 / 110（有生命危险时）、全国统一心理援助热线 12356（24 小时）、"
            "上海市心理热线 962525（24 小时）")
HOTLINES_EN = ("120 / 110 when a life is in danger, the national unified psychological "
               "assistance line 12356 (24 hours) or the Shanghai mental-health hotline "
               "962525 (24 hours)")
# Daytime only: never in a text that says "now".
YOUTH_LINE = "青少年服务台 12355（工作日 9:00–17:00）"
YOUTH_LINE_EN = "the youth helpline 12355 (weekdays 9:00–17:00)"

INDEX = {
    "title": "学习课程",
    "intro": "为家长、孩子和老师准备的短课程。每一课几分钟就能读完，按自己的节奏来。",
    "title_en": "Learning modules",
    "intro_en": "Short modules for parents, children and teachers. Each lesson takes a few "
                "minutes; go at your own pace.",
}

TOPICS = {
    "crisis-intervention": {
        "name": "心理危机干预", "name_en": "Crisis intervention", "icon": "🆘",
        "colour": "#b5533c",
        "description": "当孩子处在危险或极度痛苦中，家长和老师可以怎样识别、陪伴和求助。",
        "description_en": "How parents and teachers can notice, stay with and get help "
                          "for a child in danger or deep distress.",
    },
    "positive-life-education": {
        "name": "积极生命教育", "name_en": "Valuing life", "icon": "🌱",
        "colour": "#3f7d4e",
        "description": "和孩子一起珍惜生命、发现自己的优势、建立有意义的联结。",
        "description_en": "Valuing life with children, finding their strengths and building "
                          "meaningful connections.",
    },
    "family-relationships": {
        "name": "家庭关系调适", "name_en": "Family relationships", "icon": "🏠",
        "colour": "#2f6f8f",
        "description": "亲子沟通、青春期冲突、隔代养育——让家成为安全的港湾。",
        "description_en": "Parent–child communication, teenage conflict, grandparents "
                          "raising children — making home a safe harbour.",
    },
    "emotional-guidance": {
        "name": "情绪疏导", "name_en": "Emotional guidance", "icon": "🌤",
        "colour": "#7a5aa6",
        "description": "认识情绪、接纳情绪、学会调节，帮助孩子安稳度过起伏。",
        "description_en": "Naming, accepting and regulating emotions so children can ride "
                          "out the ups and downs.",
    },
    "autism": {
        "name": "孤独症（自闭症）咨询与科普", "name_en": "Autism: understanding and support",
        "icon": "🧩", "colour": "#a06a1c",
        "description": "了解孤独症（自闭症）谱系，支持孩子按自己的节奏成长，也照顾好家长自己。",
        "description_en": "Understanding the autism spectrum, supporting each child to grow "
                          "at their own pace, and caring for parents too.",
    },
}

# The demo has no clinical reviewer, only sample data that says so. Every
# seeded module is approved through the clinical review workflow by the demo
# account reviewer@demo.weiai.cn, whose reviewer record (marked is_demo)
# families see only as "示例审核人（演示数据，非真实临床人员）". The approval,
# not the spec, decides who reviewed a module and when it is next due.
DEMO_REVIEWER = {
    "name": "示例审核人", "name_en": "Sample reviewer",
    "credential": "演示数据，非真实临床人员",
    "credential_en": "Demo data, not a real clinician",
    "organisation": "未愛小屋演示站点", "organisation_en": "未愛小屋 demo site",
    "account_name": "示例审核人（演示账号）",
}

# Search synonyms (`SearchSynonym`): terms families type for the same thing,
# a few for each of the five themes. Editors keep them in the admin.
SYNONYMS = {
    # 心理危机干预
    "危机干预": "危机干预、心理危机、心理危机干预、crisis、crisis intervention",
    "自杀": "自杀、轻生、自杀念头、suicide、suicidal",
    "自伤": "自伤、自残、自我伤害、self-harm、self-injury",
    "热线": "热线、心理援助热线、求助热线、hotline、helpline",
    # 积极生命教育
    "生命教育": "生命教育、积极生命教育、珍爱生命、valuing life、life education",
    "哀伤": "哀伤、悲伤、丧亲、grief、bereavement",
    "优势": "优势、长处、性格优势、strengths",
    # 家庭关系调适
    "亲子沟通": "亲子沟通、亲子交流、parent-child communication",
    "争吵": "争吵、吵架、冲突、conflict、argument",
    "青春期": "青春期、青少年、teenager、adolescent、teen",
    "家庭关系": "家庭关系、家庭关系调适、亲子关系、family relationships",
    # 情绪疏导
    "情绪": "情绪、心情、emotion、emotions、feelings、mood",
    "焦虑": "焦虑、紧张、anxiety、anxious、worry",
    "生气": "生气、愤怒、发脾气、anger、angry",
    "睡眠": "睡眠、失眠、睡不着、sleep、insomnia",
    # 孤独症（自闭症）咨询与科普
    "孤独症": "自闭症、孤独症、孤独症谱系、自闭症谱系、autism、autistic、ASD",
    "感统": "感统、感觉统合、感官敏感、sensory",
    "融合教育": "融合教育、随班就读、inclusive education、inclusion",
}

MODULES = [
    # --- 心理危机干预 -------------------------------------------------------------
    {
        "slug": "recognising-crisis-signs", "topic": "crisis-intervention",
        "audience": "parents", "age": "13-17", "minutes": 25,
        "title": "识别孩子的危机信号",
        "summary": "孩子很少直接说“我撑不下去了”。这一模块帮助家长留意变化、分清哪些信号要当天行动、敢于开口，并知道下一步找谁。",
        "outcomes": ["说出几种值得留意的情绪和行为变化", "分清哪些话和举动需要当天行动",
                     "用平静、直接的方式询问孩子的安全", "知道何时以及如何寻求专业帮助"],
        "warning": "本模块谈到自我伤害和自杀的想法。如果读的时候感到难受，可以先停下来，或拨打 24 小时心理热线 12356 / 962525 找人聊聊。",
        "cover_alt": "暖红色的柔和圆形图案",
        "resource": ("家长安全清单", ["记下三个孩子信任的大人的电话", f"把这些电话存进手机：{HOTLINES}",
                                     f"白天也可以打{YOUTH_LINE}",
                                     "查好离家最近、有急诊的医院，以及有儿童青少年心理门诊的医院",
                                     "把药品（包括常用药）、刀具等锁好，或交给其他大人保管",
                                     "和孩子约定一句“我需要帮助”的暗号",
                                     "每天留十分钟，不带评判地听孩子说话"]),
        "lessons": [
            {"slug": "changes-worth-noticing", "title": "哪些变化值得留意",
             "summary": "情绪、睡眠、社交上的变化，往往比一句话更早出现；有些话和举动，一出现就要当天行动。",
             "body": [
                 "青春期的孩子本来就会有起伏。但情绪、睡眠、成绩或交友上的变化如果持续两周以上、而且越来越明显，就值得多一分留意：比如原本喜欢的事情都不做了，睡得太多或整夜睡不着，成绩明显下滑，不再和好朋友来往。几种变化同时出现时更要重视，可以找个安静的时候和孩子聊聊，也可以带孩子去看医生。",
                 "## 这些信号，当天就要行动",
                 "有些话和举动不能等，一出现就请当天和孩子谈，并联系专业人员：孩子说想死、不想活了，或者说“你们没有我会更好”“我是个累赘”；在网上搜索伤害自己的方法；把心爱的东西送人；写下或发出像告别的话；在长时间低落之后，突然变得异常平静，好像一下子“想通了”。",
                 "## 不要一个人判断",
                 "这些信号不是诊断，家长也不需要自己判断孩子“到底有多严重”。看见了，就停下来好好问一问，再请专业人员一起评估。心理危机干预的第一步，往往就是家长愿意看见。",
                 "孩子还在上小学？十岁左右、甚至更小的孩子，也可能有不想活的念头。这个年龄的孩子常常说不清楚，更多表现为烦躁、黏人、经常喊肚子疼或头疼，也可能直接说“我不想活了”。这样的话同样要认真对待，做法和本模块一样：平静地问，当天求助。",
             ],
             "callout": ("seek_help", "孩子说想死时，不要等", "请当天就和孩子谈，陪在孩子身边，并联系医生或拨打下面的 24 小时热线。如果孩子已经有具体计划，或者你担心孩子随时可能伤害自己，请不要让孩子独处，立即拨打 120 或 110，或陪孩子去最近医院的急诊。")},
            {"slug": "how-to-ask", "title": "怎样开口询问",
             "summary": "直接问“你有没有想过结束生命”，不会把念头放进孩子脑子里。",
             "body": [
                 "很多家长担心，一问反而“提醒”了孩子。研究和一线经验都表明，平静、直接地询问并不会增加风险，反而让孩子感到自己被认真对待。",
                 "可以这样开头：“最近看你很累，我有点担心你。有时候人难受到极点，会想到不想活了，你有过这样的念头吗？”如果孩子的回答含糊，可以再问得直接一点：“你有没有想过自杀，想过结束自己的生命？”然后停下来，等孩子回答，不急着讲道理。",
                 "如果孩子说“有”，先谢谢孩子愿意告诉你，再问得具体一点：这个念头出现多久了？有没有想过怎么做？现在安全吗？这些回答决定接下来有多紧急。",
                 "## 孩子求你“别告诉别人”时",
                 "孩子可能会说“别告诉别人”“千万别告诉爸爸”。涉及安全的事不能答应保密，但可以温和而诚实地说：“谢谢你这么信任我。为了你的安全，我需要请医生一起帮忙。我会一直陪着你，告诉谁、怎么说，我们可以一起商量。”",
             ],
             "callout": ("seek_help", "如果孩子已经有计划", "如果孩子已经有具体的计划，或者已经准备了工具：不要让孩子独处；把药品、刀具等可能用来伤害自己的东西拿走；立即拨打 120 或 110，或陪孩子去最近医院的急诊。等待的时候，也可以拨打 24 小时心理热线 12356 或 962525，请专业人员在电话里陪着你。"),
             "quiz": [
                 ("孩子说“活着好累，真没意思”，哪种回应更有帮助？", False, [
                     ("“别瞎想，你还小，有什么好累的。”", False, "否定感受会让孩子下次不再开口。"),
                     ("“别想那么多，睡一觉就好了。”然后换个话题。", False, "安慰的心意是好的，但话题就这样断了。孩子说出这样的话时，需要接着问清楚。"),
                     ("“听起来你真的累坏了。你说活着没意思，是不是有时候会想到不想活、想结束自己的生命？”", True, "对。先接住感受，再直接问。直接问不会增加风险，孩子的回答还能告诉你需要多快求助。"),
                 ]),
                 ("关于直接询问自杀念头，下面哪些说法是对的？", True, [
                     ("平静、直接地问，不会增加孩子的风险", True, "对，这是危机干预研究中反复得到证实的一点。"),
                     ("问了之后要认真听，不急着说教", True, "对，倾听本身就是支持。"),
                     ("只要孩子说“没事”，就不需要再关心", False, "孩子可能还没准备好说。继续陪伴和留意，找合适的时候再温和地问一次。"),
                     ("孩子求你保密，答应下来才能保住信任", False, "涉及安全时不能承诺保密。诚实地说明会请谁帮忙，并陪着孩子一起面对，更能保住信任。"),
                 ]),
             ]},
            {"slug": "staying-and-referring", "title": "陪伴与转介",
             "summary": "家长不需要独自扛下所有，专业帮助是陪伴的一部分。",
             "body": [
                 "孩子告诉你难受之后，最重要的是留在孩子身边：陪着、听着，让孩子知道你会一起想办法。你不需要马上给出答案。",
                 "接下来，请尽快带孩子到医院的精神科或心理科（儿童青少年门诊）做评估；孩子说过想死的话，当天就联系医院或拨打 24 小时心理热线，问清楚怎么安排。评估和诊断由医生完成，家长的任务是陪孩子去、把观察到的情况说清楚。",
                 "工作站的咨询师不做诊断和治疗，但可以在就医之后陪伴你和孩子，帮你安排就诊、一起落实医生的建议。",
                 "照顾好自己同样重要。陪伴一个痛苦的孩子很耗心力，家长也可以找咨询师谈谈，或者和信任的亲友分担。",
             ],
             "callout": ("seek_help", "情况紧急时", "孩子随时可能伤害自己、情况紧急时，请不要让孩子独处，马上拨打 120 或 110，或陪孩子去最近医院的急诊。如果拿不准情况有多紧急，可以拨打下面的 24 小时热线，请专业人员帮你判断。")},
        ],
        "en": {
            "title": "Recognising the signs of crisis in a child",
            "summary": "Children rarely say “I can’t go on”. This module helps parents notice "
                       "changes, tell which signs need action the same day, dare to ask, and "
                       "know who to call next.",
            "outcomes": ["Name changes in mood and behaviour worth noticing",
                         "Tell which words and actions need action the same day",
                         "Ask calmly and directly about a child’s safety",
                         "Know when and how to get professional help"],
            "warning": "This module talks about self-harm and suicidal thoughts. If reading "
                       "it feels hard, pause, or call the 24-hour line 12356 or 962525 and "
                       "talk to someone.",
            "cover_alt": "Soft warm-red circles",
            "resource": ("Parent safety checklist", [
                "Write down the numbers of three adults your child trusts",
                f"Save these numbers in your phone: {HOTLINES_EN}",
                f"In the daytime you can also call {YOUTH_LINE_EN}",
                "Find the nearest hospital with an emergency department, and a hospital "
                "with a child and adolescent mental-health clinic",
                "Lock away medicines (everyday ones too), knives and other sharp objects, "
                "or give them to another adult to keep",
                "Agree with your child on a code phrase that means “I need help”",
                "Give ten minutes a day to listening without judging"]),
            "lessons": [
                {"slug": "changes-worth-noticing", "title": "Changes worth noticing",
                 "summary": "Changes in mood, sleep and friendships often come before any "
                            "direct statement; some words and actions need action the same "
                            "day.",
                 "body": [
                     "Teenagers have ups and downs. But when a change in mood, sleep, grades "
                     "or friendships lasts more than two weeks and keeps growing, it deserves "
                     "closer attention: giving up things they loved, sleeping far more or "
                     "hardly at all, grades falling sharply, pulling away from close friends. "
                     "When several changes come together, take them more seriously: find a "
                     "quiet moment to talk, or take your child to see a doctor.",
                     "## Signs that need action today",
                     "Some words and actions can’t wait. If you see any of them, talk with "
                     "your child the same day and contact a professional: your child says "
                     "they want to die or don’t want to live, or says “you’d be better off "
                     "without me” or “I’m a burden”; searches online for ways to hurt "
                     "themselves; gives away treasured things; writes or sends what sounds "
                     "like a goodbye; or, after a long time feeling low, suddenly seems "
                     "unusually calm, as if everything had been “sorted out”.",
                     "## Don’t judge it alone",
                     "These signs are not a diagnosis, and you don’t have to work out on your "
                     "own how serious things are. When you see them, stop and ask, then get a "
                     "professional to assess with you. Noticing is often the first step of "
                     "crisis intervention.",
                     "Is your child still at primary school? Children of ten, or even "
                     "younger, can also have thoughts of not wanting to live. At this age "
                     "they often can’t put it into words: it may show as irritability, "
                     "clinginess or frequent stomach aches and headaches, or they may say "
                     "straight out “I don’t want to be alive”. Take these words just as "
                     "seriously and do what this module describes: ask calmly and get help "
                     "the same day.",
                 ],
                 "callout": ("seek_help", "If your child talks about wanting to die, don’t wait",
                             "Talk with your child today, stay close, and contact a doctor or "
                             "call one of the 24-hour lines below. If your child already has a "
                             "plan, or you fear they could hurt themselves at any moment, "
                             "don’t leave them alone: call 120 or 110 immediately, or take "
                             "them to the nearest hospital emergency department.")},
                {"slug": "how-to-ask", "title": "How to ask",
                 "summary": "Asking directly about suicide does not put the idea in a "
                            "child’s head.",
                 "body": [
                     "Many parents fear that asking will plant the idea. Research and "
                     "practice agree: asking calmly and directly does not raise the risk, "
                     "and it shows the child they are taken seriously.",
                     "You might say: “You’ve seemed so tired lately and I’m worried about "
                     "you. Sometimes when people hurt this much they think about not wanting "
                     "to live. Have you had thoughts like that?” If the answer is vague, ask "
                     "more directly: “Have you been thinking about suicide, about ending your "
                     "life?” Then wait. Don’t rush to advise.",
                     "If they say yes, thank them for telling you, then ask a little more: "
                     "How long have you had these thoughts? Have you thought about how you "
                     "would do it? Are you safe right now? The answers tell you how urgent "
                     "this is.",
                     "## When your child says “don’t tell anyone”",
                     "Your child may say “don’t tell anyone” or “please don’t tell Dad”. You "
                     "can’t promise secrecy when safety is at stake, but you can say, gently "
                     "and honestly: “Thank you for trusting me with this. To keep you safe I "
                     "need a doctor to help us. I’ll be with you all the way, and we can "
                     "decide together who to tell and what to say.”",
                 ],
                 "callout": ("seek_help", "If your child has a plan",
                             "If your child already has a specific plan, or has already got "
                             "something ready to hurt themselves with: don’t leave them alone; "
                             "take away medicines, knives and anything else they could use to "
                             "hurt themselves; call 120 or 110 immediately, or take them to "
                             "the nearest hospital emergency department. While you wait, you "
                             "can also call the 24-hour line 12356 or 962525 and a "
                             "professional will stay on the phone with you."),
                 "quiz": [
                     ("Your child says “I’m so tired of living. What’s the point?” Which "
                      "reply helps most?", False, [
                          ("“Don’t be silly, you’re too young to be tired.”", False,
                           "Dismissing the feeling makes it less likely they will speak "
                           "again."),
                          ("“Don’t think about it so much, you’ll feel better after a good "
                           "sleep,” and then change the subject.", False,
                           "The comfort is kindly meant, but it closes the conversation. "
                           "When a child says something like this, ask more."),
                          ("“It sounds like you’re really worn out. When you say you’re tired "
                           "of living, do you sometimes think about not wanting to live, "
                           "about ending your life?”", True,
                           "Yes. Acknowledge the feeling first, then ask directly. Asking "
                           "does not raise the risk, and the answer tells you how soon to "
                           "get help."),
                      ]),
                     ("Which of these are true about asking directly about suicidal "
                      "thoughts?", True, [
                          ("Asking calmly and directly does not raise a child’s risk", True,
                           "Yes. Crisis-intervention research has shown this again and "
                           "again."),
                          ("After asking, listen carefully and don’t rush to lecture", True,
                           "Yes. Listening is itself support."),
                          ("If your child says “I’m fine”, there is nothing more to do", False,
                           "They may not be ready to talk yet. Keep staying close and "
                           "watching, and find a good moment to ask again, gently."),
                          ("If your child asks you to keep it secret, agreeing is the way to "
                           "keep their trust", False,
                           "You can’t promise secrecy when safety is at stake. Saying "
                           "honestly who you will ask for help, and staying with your child "
                           "through it, keeps their trust better."),
                      ]),
                 ]},
                {"slug": "staying-and-referring", "title": "Staying close and getting help",
                 "summary": "You don’t have to carry it alone; professional help is part of "
                            "caring.",
                 "body": [
                     "After your child tells you they are hurting, the most important thing "
                     "is to stay close: be there, listen, and let them know you will work it "
                     "out together. You don’t need to have an answer straight away.",
                     "Next, take your child for an assessment at a hospital’s psychiatry or "
                     "psychology clinic for children and adolescents, as soon as you can. If "
                     "your child has talked about wanting to die, contact the hospital or "
                     "call a 24-hour line the same day and ask how to arrange it. Assessment "
                     "and diagnosis are a doctor’s job; yours is to go with your child and "
                     "describe clearly what you have seen.",
                     "The station’s counsellors do not diagnose or treat, but after the "
                     "medical assessment they can support you and your child, help you "
                     "arrange appointments and put the doctor’s advice into practice.",
                     "Look after yourself too. Staying with a child in pain is draining; you "
                     "can talk to a counsellor yourself, or share the load with relatives "
                     "and friends you trust.",
                 ],
                 "callout": ("seek_help", "In an emergency",
                             "If your child could hurt themselves at any moment, don’t leave "
                             "them alone: call 120 or 110 straight away, or take them to the "
                             "nearest hospital emergency department. If you are not sure how "
                             "urgent it is, call one of the 24-hour lines below and a "
                             "professional will help you decide.")},
            ],
        },
    },
    {
        "slug": "after-a-crisis", "topic": "crisis-intervention",
        "audience": "parents", "age": "13-17", "minutes": 20,
        "title": "危机之后：陪孩子慢慢恢复",
        "summary": "孩子有过自杀的念头、伤害过自己，或经历了一次心理危机之后，家里的日常该怎么过？这一模块讲恢复期的看护和陪伴、安全计划，以及家长的自我照顾。",
        "outcomes": ["在恢复期按医生建议安排看护，同时尊重孩子的隐私", "和孩子一起制定一份安全计划，让家里更安全",
                     "知道哪些情况需要当天求助", "识别自己的疲惫并求助"],
        "warning": "本模块涉及自杀未遂或自伤后的恢复。如果读的时候感到难受，可以先停下来，或拨打 24 小时心理热线 12356 / 962525 找人聊聊。",
        "resource": ("我的安全计划（和孩子一起填）", ["让我难受的早期信号是：", "我可以自己做的三件事：",
                                                   "可以陪我转移注意力的人和地方：",
                                                   "难受时我可以告诉的大人和他们的电话：",
                                                   "我的医生或咨询师的电话：",
                                                   "有生命危险时：拨打 120 或 110，或去最近医院的急诊",
                                                   "24 小时心理热线：全国统一心理援助热线 12356、上海市心理热线 962525",
                                                   "让家里更安全的做法（比如药品、刀具由大人保管）："]),
        "lessons": [
            {"slug": "the-first-weeks", "title": "最初的几周",
             "summary": "恢复不是直线；危机后的最初几周，需要格外留意。",
             "body": [
                 "危机过后，孩子和家长都可能很疲惫。最初几周，目标不是“恢复如常”，而是让生活重新有一些可以依靠的节奏：按时吃饭、睡觉，有一两件每天都会做的小事。",
                 "孩子有时会好一点，有时又退回去，这很常见，不代表前面的努力白费了。",
                 "## 最初几周需要格外留意",
                 "危机后的最初几周，是再次出现危险的可能性更高的一段时期。请按医生建议的程度陪伴和看护孩子，按时复诊，和医生、咨询师保持联系。家里的药品（包括感冒药、止痛药这类常用药）、刀具等，请锁好或交给其他大人保管；孩子需要吃的药，由大人按医嘱每次拿给孩子。",
                 "看护是为了安全，不是不信任。可以坦诚地告诉孩子：“这段时间我会多陪着你，因为我在乎你的安全。”安全之外的事，尽量尊重孩子的隐私：不在亲友面前谈论发生了什么，要告诉谁、说到什么程度，多听听孩子的意见。",
                 "## 这些情况，当天就要求助",
                 "如果孩子再次说想死，做出告别的举动（比如把心爱的东西送人、发出告别的话），在低落很久之后突然异常平静，或者情况突然明显变差，请不要等：当天就联系医生，或拨打 24 小时心理热线 12356 / 962525。",
             ],
             "callout": ("seek_help", "孩子随时可能伤害自己时", "请不要让孩子独处，立即拨打 120 或 110，或陪孩子去最近医院的急诊。")},
            {"slug": "safety-plan", "title": "一起做一份安全计划",
             "summary": "安全计划把“难受的时候怎么办”提前写下来，也包括让家里更安全。",
             "body": [
                 "安全计划是危机干预中常用、也有研究支持的方法。它由孩子和大人一起写，最好请医生或咨询师帮忙，内容包括：让自己难受的早期信号、自己能做的缓解方法、可以陪自己转移注意力的人和地方、难受时可以告诉的大人、专业求助电话，以及让家里更安全的安排。",
                 "计划要用孩子自己的话写，放在孩子随手能拿到的地方，比如手机备忘录。定期一起回顾、修改，让它一直管用。",
                 "让家里更安全这一步，主要由大人来做：把药品（包括常用药）、刀具等锁好或交给其他大人保管，再和医生商量家里还需要注意什么。研究一再发现，在最难受的时刻不容易拿到可以伤害自己的东西，能实实在在地保护孩子。",
                 "孩子年纪还小（比如还在上小学）时，计划主要由大人在医生指导下来做，再用简单的话或图画和孩子约定：难受的时候可以找谁、说哪句话。让家里更安全，同样是大人的事。",
             ],
             "callout": ("seek_help", "计划不能代替求助", "安全计划帮助孩子撑过难受的时刻，但不能代替医生和及时求助。孩子说撑不住了、随时可能伤害自己时，请不要让孩子独处，立即拨打 120 或 110，或陪孩子去最近医院的急诊。"),
             "quiz": [
                 ("关于安全计划，哪一项最重要？", False, [
                     ("由家长写好交给孩子遵守", False, "孩子参与写下的计划，才更可能在难受时用上。"),
                     ("用孩子自己的话写，并放在随手可得的地方", True, "对。计划要在最需要的时刻拿得到、看得懂。"),
                     ("写好以后就不用再改", False, "情况会变化，定期回顾才能让计划一直有用。"),
                 ]),
                 ("家里的药品和刀具，由谁来收好？", False, [
                     ("孩子自己收，这样表示信任", False, "这是大人的责任。孩子可以一起商量，但保管交给大人。"),
                     ("大人：锁好或交给其他大人保管，常用药也算在内", True, "对。这是安全计划里很重要的一步。"),
                     ("孩子看起来好多了，就不用再收", False, "看起来好转时也请继续，要调整先问过医生。"),
                 ]),
             ]},
            {"slug": "caring-for-yourself", "title": "家长也需要被照顾",
             "summary": "照顾者的疲惫是真实的，求助不是软弱。",
             "body": [
                 "长期处在紧张和担心里，家长可能失眠、易怒，或者觉得麻木。这些都是压力的正常反应。",
                 "试着把照顾的责任分给家里其他大人，每周留一点属于自己的时间。家长也可以预约咨询，整理自己的情绪，这会让你更有力气陪伴孩子。",
                 "如果你自己也出现了不想活的念头，请同样当天求助：告诉身边信任的人，拨打 24 小时心理热线 12356 或 962525，或去医院的精神科、心理科看看。",
             ],
             "callout": ("get_help", "需要帮助时", "想聊聊自己的压力，可以预约工作站的咨询师，也可以拨打 24 小时心理热线 12356 或 962525。")},
        ],
        "en": {
            "title": "After a crisis: helping your child recover",
            "summary": "After your child has had thoughts of suicide, has hurt themselves or "
                       "has been through a mental-health crisis, how does family life go on? "
                       "This module covers watching over and staying with your child during "
                       "recovery, making a safety plan, and looking after yourself.",
            "outcomes": ["Arrange supervision during recovery as the doctor advises, while "
                         "respecting your child’s privacy",
                         "Make a safety plan with your child and make home safer",
                         "Know which situations need help the same day",
                         "Notice your own exhaustion and ask for help"],
            "warning": "This module covers recovery after a suicide attempt or self-harm. If "
                       "reading it feels hard, pause, or call the 24-hour line 12356 or "
                       "962525 and talk to someone.",
            "resource": ("My safety plan (fill it in together)", [
                "Early signs that I’m starting to struggle:",
                "Three things I can do on my own:",
                "People and places that help take my mind off things:",
                "Adults I can tell when I’m struggling, and their numbers:",
                "My doctor’s or counsellor’s number:",
                "If a life is in danger: call 120 or 110, or go to the nearest hospital "
                "emergency department",
                "24-hour lines: the national unified psychological assistance line 12356, "
                "the Shanghai mental-health hotline 962525",
                "What makes home safer (for example, adults keep medicines and knives):"]),
            "lessons": [
                {"slug": "the-first-weeks", "title": "The first weeks",
                 "summary": "Recovery is not a straight line; the first weeks after a crisis "
                            "need extra care.",
                 "body": [
                     "After a crisis, children and parents are often exhausted. In the first "
                     "weeks the aim is not to get “back to normal” but to give life a rhythm "
                     "you can lean on again: regular meals and sleep, and one or two small "
                     "things that happen every day.",
                     "Some days your child will seem better and some days worse. That is "
                     "common, and it doesn’t mean your efforts have been wasted.",
                     "## The first weeks need extra care",
                     "The first weeks after a crisis are a time when the risk of danger "
                     "returning is higher. Stay with and supervise your child as closely as "
                     "the doctor advises, keep every follow-up appointment, and stay in "
                     "touch with the doctor and counsellor. Lock away the medicines in the "
                     "house (everyday ones such as cold remedies and painkillers too), "
                     "knives and other sharp objects, or give them to another adult to keep; "
                     "an adult hands your child each dose of their own medicine as "
                     "prescribed.",
                     "Watching over your child is about safety, not distrust. You can say "
                     "openly: “I’ll be around you more for a while, because your safety "
                     "matters to me.” Beyond safety, respect your child’s privacy as much as "
                     "you can: don’t talk about what happened in front of relatives and "
                     "friends, and ask your child who should be told and how much.",
                     "## Get help the same day if",
                     "If your child talks about wanting to die again, does something that "
                     "looks like saying goodbye (such as giving away treasured things or "
                     "sending goodbye messages), suddenly seems unusually calm after a long "
                     "low, or suddenly gets much worse, don’t wait: contact the doctor the "
                     "same day, or call the 24-hour line 12356 or 962525.",
                 ],
                 "callout": ("seek_help", "If your child could hurt themselves at any moment",
                             "Don’t leave them alone: call 120 or 110 immediately, or take "
                             "them to the nearest hospital emergency department.")},
                {"slug": "safety-plan", "title": "Making a safety plan together",
                 "summary": "A safety plan writes down in advance what to do when things get "
                            "hard, including how to make home safer.",
                 "body": [
                     "Safety planning is a widely used, research-supported part of crisis "
                     "care. Your child and an adult write it together, ideally with help "
                     "from the doctor or counsellor. It covers early signs that things are "
                     "getting hard, things your child can do to ease them, people and places "
                     "that help take their mind off things, adults they can tell, "
                     "professional helplines, and how to make home safer.",
                     "Write the plan in your child’s own words and keep it where they can "
                     "reach it, such as a note on their phone. Look at it together now and "
                     "then and change it so it keeps working.",
                     "Making home safer is mainly the adults’ job: lock away medicines "
                     "(everyday ones too), knives and other sharp objects, or give them to "
                     "another adult to keep, and ask the doctor what else to watch for at "
                     "home. Research has found again and again that when the means to hurt "
                     "oneself are hard to reach in the worst moments, it truly protects "
                     "children.",
                     "If your child is younger (still at primary school, say), the adults "
                     "make the plan, guided by the doctor, and agree a few things with your "
                     "child in simple words or pictures: who to go to and what to say when "
                     "things feel too hard. Making home safer is, again, the adults’ job.",
                 ],
                 "callout": ("seek_help", "A plan doesn’t replace getting help",
                             "A safety plan helps your child get through hard moments, but it "
                             "doesn’t replace the doctor or getting help in time. If your child "
                             "says they can’t go on, or could hurt themselves at any moment, "
                             "don’t leave them alone: call 120 or 110 immediately, or take "
                             "them to the nearest hospital emergency department."),
                 "quiz": [
                     ("What matters most in a safety plan?", False, [
                         ("The parent writes it and the child follows it", False,
                          "A plan your child helped write is more likely to be used when "
                          "things get hard."),
                         ("It is in your child’s own words and kept where they can reach it",
                          True, "Yes. The plan has to be at hand, and make sense, at the "
                          "moment it is needed most."),
                         ("Once written, it never needs changing", False,
                          "Things change; looking at it together now and then keeps it "
                          "useful."),
                     ]),
                     ("Who puts away the medicines and knives at home?", False, [
                         ("Your child, as a sign of trust", False,
                          "This is the adults’ responsibility. Your child can help decide, "
                          "but adults keep them."),
                         ("An adult: lock them away or give them to another adult to keep, "
                          "everyday medicines included", True,
                          "Yes. This is one of the most important steps of the plan."),
                         ("Once your child seems much better, there is no need any more",
                          False, "Keep going while things look better too; ask the doctor "
                          "before you change anything."),
                     ]),
                 ]},
                {"slug": "caring-for-yourself", "title": "Parents need care too",
                 "summary": "A carer’s exhaustion is real, and asking for help is not "
                            "weakness.",
                 "body": [
                     "Living with tension and worry for a long time, parents may sleep "
                     "badly, snap easily or feel numb. These are normal reactions to stress.",
                     "Try to share the caring with other adults in the family, and keep a "
                     "little time each week for yourself. You can book a counsellor too, to "
                     "sort through your own feelings; it will give you more strength to be "
                     "there for your child.",
                     "If you have thoughts of not wanting to live yourself, get help the "
                     "same day as well: tell someone you trust, call the 24-hour line 12356 "
                     "or 962525, or see a hospital’s psychiatry or psychology clinic.",
                 ],
                 "callout": ("get_help", "When you need support",
                             "To talk about your own stress, book one of the station’s "
                             "counsellors, or call the 24-hour line 12356 or 962525.")},
            ],
        },
    },
    {
        "slug": "teachers-first-response", "topic": "crisis-intervention",
        "audience": "teachers", "age": "6-12", "minutes": 20,
        "title": "老师在校园里的第一反应",
        "summary": "当学生在学校里透露痛苦或危险，老师可以怎样回应、记录，并联动家长与专业力量；伤害可能来自家里时，又该怎么做。",
        "outcomes": ["用支持性的语言回应学生", "按流程通知学校心理老师、分管领导和家长",
                     "知道伤害可能来自家里时不先联系家长，按强制报告制度立即上报", "照顾其他同学的情绪，不扩散细节"],
        "warning": "本模块谈到学生透露自杀的念头、自我伤害或受到伤害（包括来自家里的伤害）时老师的应对。如果读的时候感到难受，可以先停下来，找同事或心理老师聊聊。",
        "resource": ("校园危机第一反应卡", ["保持冷静，带学生到安静、安全的地方", "不承诺保密，但说明会告诉谁、为什么",
                                             "不让学生独处，通知学校心理老师和分管领导",
                                             "学生有具体计划或随时可能伤害自己：立即拨打 120 或 110",
                                             "当天联系家长，说明观察到的情况",
                                             "伤害可能来自家里，或怀疑虐待、性侵害、严重忽视：不先联系家长，立即报告分管领导，由学校按强制报告制度向公安机关报告，必要时拨打 110",
                                             "记下学生的原话、你看到的情况和做了哪些处理",
                                             "不在班级群、家长群或全班面前谈论细节",
                                             "24 小时心理热线：全国统一心理援助热线 12356、上海市心理热线 962525"]),
        "lessons": [
            {"slug": "when-a-student-tells-you", "title": "当学生向你倾诉",
             "summary": "先听，先稳住，不急着解决。",
             "body": [
                 "学生愿意告诉老师，是出于信任。请放下手头的事，带学生到安静、安全、但不完全封闭的地方，用平稳的语气说：“谢谢你告诉我，我们一起想办法。”",
                 "先听，不急着评判或解决。如果学生说到不想活了，可以平静、直接地问：“你是在想自杀吗？”“你想过怎么做吗？”直接问不会增加风险，还能帮你判断情况有多紧急。",
                 "不要承诺“我谁也不告诉”。可以坦诚地说明：“为了你的安全，我需要请心理老师和学校里负责的老师一起帮你，我会陪着你。”这样既保护了学生，也保住了信任。通常也要告诉家长；但如果学生害怕的正是家里的人，请按下一课“伤害可能来自家里时”的做法处理。",
             ],
             "callout": ("seek_help", "学生随时可能伤害自己时", "如果学生已经有具体计划，或者你担心学生随时可能伤害自己：不要让学生独处，立即请心理老师和分管领导到场；情况紧急时，马上拨打 120 或 110。")},
            {"slug": "following-the-procedure", "title": "按流程联动",
             "summary": "学校、家长和专业机构各司其职；伤害可能来自家里时，先报告，不先联系家长。",
             "body": [
                 "发现学生可能有危险时，请按学校的危机干预流程，第一时间通知心理老师和分管领导，并在当天联系家长。记录下学生说了什么、你观察到什么、做了哪些处理。",
                 "## 伤害可能来自家里时",
                 "如果学生透露的伤害来自家里，或者你怀疑学生受到虐待、性侵害或严重忽视，请不要先联系家长：立即报告分管领导，由学校按强制报告制度向公安机关报告；学生此刻有危险时，直接拨打 110。",
                 "《未成年人保护法》第十一条要求，学校等密切接触未成年人的单位和工作人员，发现未成年人受到侵害、疑似受到侵害或面临其他危险时，应当立即报告。报告不需要等到证据确凿。老师不需要自己调查，不要去找可能伤害孩子的人对质，也不要让学生一遍遍讲经过；把学生的原话和你看到的情况记下来就好。",
                 "老师的角色是发现、陪伴和转介，而不是评估或诊断。评估交给专业人员，老师要做的是让学生不落单、让信息传到对的人手里。",
             ],
             "callout": ("seek_help", "伤害可能来自家里时", "请不要先联系家长。立即报告分管领导，由学校按强制报告制度向公安机关报告；学生此刻有危险时，直接拨打 110。"),
             "quiz": [
                 ("学生请求“千万别告诉任何人”，老师应该怎么做？", False, [
                     ("答应保密，以免失去学生的信任", False, "涉及安全时不能承诺保密。"),
                     ("坦诚说明需要告诉谁、为什么，并承诺陪着这位同学", True, "对。诚实说明比虚假的承诺更能保住信任。"),
                     ("先不处理，等学生自己想通", False, "可能的危险需要当天处理。"),
                 ]),
                 ("学生说回家后会被爸爸打，老师应该先做什么？", False, [
                     ("马上给家长打电话，问问是怎么回事", False, "伤害可能来自家里时，先联系家长可能让孩子更危险。"),
                     ("立即报告分管领导，由学校按强制报告制度向公安机关报告；学生此刻有危险时拨打 110", True, "对。发现学生可能受到侵害，就要立即报告。"),
                     ("先观察一段时间，等有了确凿的证据再说", False, "强制报告不需要等到证据确凿，有怀疑就要报告。"),
                 ]),
             ]},
            {"slug": "caring-for-the-class", "title": "照顾班级里的其他孩子",
             "summary": "一个孩子的危机，也会牵动身边的同学。",
             "body": [
                 "同学之间可能已经听说了一些事。老师不要透露细节，尤其是发生了什么、怎么发生的，也不要在班级群或家长群里讨论。如果同学们已经在议论，可以简单地告诉全班：“有同学最近遇到了困难，学校正在帮助这位同学。如果你也感到难过或担心，可以来找我或心理老师。”",
                 "留意和当事学生关系近的同学，他们可能自责或害怕。给他们一个可以说话的地方，必要时请心理老师一起关心。也可以告诉同学们：如果朋友说了让你担心的话，告诉老师不是“出卖”朋友，而是在帮朋友。",
                 "这一课说的是同学遇到危机、正在恢复的情况。如果学校不幸有学生去世，需要另一套更完整的应对（事后干预）：由学校和专业人员统一安排怎样告知、怎样支持师生，请不要单独使用这里的说法。",
             ],
             "callout": ("get_help", "老师也需要支持", "处理学生的危机很耗心力。可以和心理老师、同事聊一聊，也可以预约工作站的咨询师。")},
        ],
        "en": {
            "title": "A teacher’s first response at school",
            "summary": "When a student reveals distress or danger at school, how a teacher "
                       "can respond, keep a record, and bring in parents and professional "
                       "help — and what to do when the harm may come from home.",
            "outcomes": ["Respond to a student with supportive words",
                         "Tell the school psychology teacher, the school lead and the parents "
                         "as the procedure says",
                         "When the harm may come from home, report at once under the "
                         "mandatory-reporting rules instead of calling the parents first",
                         "Look after the rest of the class without spreading details"],
            "warning": "This module covers how a teacher responds when a student reveals "
                       "suicidal thoughts, self-harm or being harmed (including harm at "
                       "home). If reading it feels hard, pause and talk with a colleague or "
                       "the school psychology teacher.",
            "resource": ("A teacher’s first-response card", [
                "Stay calm and take the student somewhere quiet and safe",
                "Don’t promise secrecy; say who you will tell and why",
                "Don’t leave the student alone; tell the school psychology teacher and the "
                "school lead",
                "The student has a plan or could hurt themselves at any moment: call 120 "
                "or 110 immediately",
                "Contact the parents the same day and describe what you saw",
                "The harm may come from home, or you suspect abuse, sexual abuse or serious "
                "neglect: don’t contact the parents first; report to the school lead at "
                "once, who reports to the police under the mandatory-reporting rules; call "
                "110 when needed",
                "Write down the student’s own words, what you saw and what you did",
                "Don’t discuss details in class or parent group chats or in front of the "
                "class",
                "24-hour lines: the national unified psychological assistance line 12356, "
                "the Shanghai mental-health hotline 962525"]),
            "lessons": [
                {"slug": "when-a-student-tells-you", "title": "When a student confides in you",
                 "summary": "Listen first, steady things first, don’t rush to fix.",
                 "body": [
                     "A student who tells a teacher is showing trust. Put down what you are "
                     "doing, take the student somewhere quiet and safe but not completely "
                     "closed off, and say steadily: “Thank you for telling me. We’ll work "
                     "this out together.”",
                     "Listen first, without rushing to judge or solve. If the student talks "
                     "about not wanting to live, ask calmly and directly: “Are you thinking "
                     "about suicide?” “Have you thought about how you would do it?” Asking "
                     "directly does not raise the risk, and it helps you judge how urgent "
                     "things are.",
                     "Don’t promise “I won’t tell anyone”. Explain honestly: “To keep you "
                     "safe I need the psychology teacher and the teacher in charge to help "
                     "us, and I’ll stay with you.” This protects the student and keeps "
                     "their trust. Usually the parents are told too; but if the student is "
                     "afraid of someone at home, follow the next lesson, “When the harm may "
                     "come from home”.",
                 ],
                 "callout": ("seek_help", "If a student could hurt themselves at any moment",
                             "If the student already has a plan, or you fear they could hurt "
                             "themselves at any moment: don’t leave them alone, and get the "
                             "psychology teacher and the school lead to come immediately; in "
                             "an emergency, call 120 or 110 straight away.")},
                {"slug": "following-the-procedure", "title": "Following the procedure",
                 "summary": "School, parents and professionals each play their part; when the "
                            "harm may come from home, report first and don’t call the "
                            "parents first.",
                 "body": [
                     "When a student may be in danger, follow the school’s crisis "
                     "procedure: tell the psychology teacher and the school lead at once, "
                     "and contact the parents the same day. Write down what the student "
                     "said, what you observed and what you did.",
                     "## When the harm may come from home",
                     "If the harm the student describes comes from home, or you suspect "
                     "abuse, sexual abuse or serious neglect, don’t contact the parents "
                     "first: report to the school lead at once, and the school reports to "
                     "the police under the mandatory-reporting rules; if the student is in "
                     "danger right now, call 110 yourself.",
                     "Article 11 of the Law on the Protection of Minors requires schools and "
                     "other organisations in close contact with children, and their staff, "
                     "to report at once when they find that a child has been harmed, may "
                     "have been harmed or faces other danger. You don’t need proof before "
                     "you report. It isn’t your job to investigate: don’t confront the person "
                     "who may be harming the child, and don’t make the student tell the "
                     "story again and again; just write down the student’s own words and "
                     "what you saw.",
                     "A teacher’s role is to notice, stay with the student and refer, not to "
                     "assess or diagnose. Leave assessment to professionals; your job is to "
                     "make sure the student is not alone and the information reaches the "
                     "right people.",
                 ],
                 "callout": ("seek_help", "When the harm may come from home",
                             "Don’t contact the parents first. Report to the school lead at "
                             "once, and the school reports to the police under the "
                             "mandatory-reporting rules; if the student is in danger right "
                             "now, call 110 yourself."),
                 "quiz": [
                     ("A student begs “please don’t tell anyone”. What should the teacher "
                      "do?", False, [
                          ("Promise to keep it secret so as not to lose the student’s trust",
                           False, "You can’t promise secrecy when safety is at stake."),
                          ("Explain honestly who needs to know and why, and promise to stay "
                           "with the student", True,
                           "Yes. Being honest keeps trust better than a promise you can’t "
                           "keep."),
                          ("Leave it for now and wait for the student to come round", False,
                           "Possible danger needs dealing with the same day."),
                      ]),
                     ("A student says their father will hit them when they get home. What "
                      "should the teacher do first?", False, [
                          ("Phone the parents straight away to ask what is going on", False,
                           "When the harm may come from home, calling the parents first can "
                           "put the child in more danger."),
                          ("Report to the school lead at once, so the school reports to the "
                           "police under the mandatory-reporting rules; call 110 if the "
                           "student is in danger right now", True,
                           "Yes. When a student may be being harmed, report at once."),
                          ("Watch for a while and wait for clear proof", False,
                           "Mandatory reporting doesn’t wait for proof; a suspicion is "
                           "enough to report."),
                      ]),
                 ]},
                {"slug": "caring-for-the-class", "title": "Looking after the rest of the class",
                 "summary": "One child’s crisis affects the classmates around them.",
                 "body": [
                     "Classmates may already have heard something. Teachers should not "
                     "share details, especially what happened or how, and should not "
                     "discuss it in class or parent group chats. If the class is already "
                     "talking about it, you can tell them simply: “A classmate is going "
                     "through a hard time and the school is helping. If you feel sad or "
                     "worried too, come and talk to me or the psychology teacher.”",
                     "Keep an eye on the student’s close friends, who may blame themselves "
                     "or be frightened. Give them somewhere to talk, and bring in the "
                     "psychology teacher when needed. You can also tell the class: if a "
                     "friend says something that worries you, telling a teacher is not "
                     "betraying your friend, it is helping them.",
                     "This lesson is about a classmate who has been through a crisis and is "
                     "recovering. If a student has died, the school needs a separate, fuller "
                     "response (postvention), with the school and professionals deciding "
                     "together how to tell students and how to support pupils and staff; "
                     "please don’t use the words here on their own.",
                 ],
                 "callout": ("get_help", "Teachers need support too",
                             "Handling a student’s crisis takes a lot out of you. Talk with "
                             "the psychology teacher or a colleague, or book one of the "
                             "station’s counsellors.")},
            ],
        },
    },
    # --- 积极生命教育 ------------------------------------------------------------
    {
        "slug": "talking-about-life", "topic": "positive-life-education",
        "audience": "parents", "age": "6-12", "minutes": 20,
        "title": "和孩子聊生命的意义",
        "summary": "孩子会问“人为什么会死”“我为什么存在”。这些问题是积极生命教育的好起点。",
        "outcomes": ["用适合年龄的方式回答关于生死的问题", "和孩子一起发现日常中的意义感", "陪孩子面对失去，知道什么时候要当天求助"],
        "warning": "本模块谈到死亡、失去亲人和悲伤，也谈到孩子说想死或想跟着去世的亲人走时该怎么办。如果读的时候感到难受，可以先停下来。",
        "resource": ("家庭生命教育小活动", ["一起种一盆植物，记录它的变化", "睡前分享今天感谢的一件事",
                                            "翻看老照片，讲讲家里人的故事", "为社区做一件小事"]),
        "lessons": [
            {"slug": "when-children-ask", "title": "当孩子问起生和死",
             "summary": "诚实、简单、温和，是回答的三个关键词。",
             "body": [
                 "六到十二岁的孩子开始明白死亡是不可逆的，也会因此害怕。回答时可以简单而诚实：“每个生命都有开始和结束，所以我们更要好好照顾自己和身边的人。”",
                 "最好不要用“睡着了”“去远方了”来代替“死了”，这可能让孩子害怕睡觉或分离。可以直接说“去世了”“死了”。允许孩子反复问同一个问题，这是孩子消化的方式。",
             ]},
            {"slug": "meaning-in-everyday-life", "title": "在日常里找到意义",
             "summary": "意义感来自联结、贡献和成长。",
             "body": [
                 "一些积极心理学研究提示，意义感常常来自三个地方：和别人有联结、为别人做点什么、看见自己的成长。这些都可以在家里练习。",
                 "比如让孩子负责照顾一盆植物，一起为邻居老人送一次菜，或者每周回顾一件“我以前不会、现在会了”的事。小事积累起来，就是孩子对生活的热爱。",
             ],
             "quiz": [
                 ("下面哪些做法有助于培养孩子的意义感？", True, [
                     ("让孩子照顾一盆植物", True, "对，照顾生命能带来责任感和联结。"),
                     ("和孩子一起帮助邻居", True, "对，为别人做事是意义感的重要来源。"),
                     ("只关注考试排名", False, "排名很难带来持久的意义感。"),
                 ]),
             ]},
            {"slug": "facing-loss", "title": "陪孩子面对失去",
             "summary": "宠物死去、亲人去世，孩子也需要哀悼。",
             "body": [
                 "失去会带来悲伤、愤怒，甚至内疚。告诉孩子这些感受都是正常的，大人也会难过。可以一起做一个纪念：画一幅画、写一封信、种一棵树。",
                 "悲伤持续几个月是常见的，也会时好时坏。如果几个月后孩子仍然无法上学、睡不好，或者一直很难过、什么都提不起兴趣，请寻求专业帮助。",
                 "## 孩子说想死、想跟着去世的人走时",
                 "孩子有时会说“我也想去找奶奶”。这可能是想念，也可能是想死的意思，只有问了才知道。所以请不要等：当天就平静地问清楚（“你是说想死吗？”），陪在孩子身边，并联系医生。孩子随时可能伤害自己时，立即拨打 120 或 110；想找人商量，可以拨打 24 小时心理热线 12356 或 962525。",
             ],
             "callout": ("seek_help", "孩子说想死或想跟着去世的人走时", "请当天就问清楚，陪在孩子身边，并联系医生或拨打下面的 24 小时热线。孩子随时可能伤害自己、情况紧急时，请不要让孩子独处，立即拨打 120 或 110，或陪孩子去最近医院的急诊。")},
        ],
        "en": {
            "title": "Talking with children about the meaning of life",
            "summary": "Children ask “why do people die?” and “why am I here?”. These "
                       "questions are a good start for positive life education.",
            "outcomes": ["Answer questions about life and death in an age-appropriate way",
                         "Find meaning in everyday life together",
                         "Stay with a child through loss, and know when to get help the "
                         "same day"],
            "warning": "This module talks about death, losing someone and grief, and about "
                       "what to do when a child says they want to die or to be with someone "
                       "who has died. If reading it feels hard, pause.",
            "resource": ("Family life-education activities", [
                "Grow a plant together and record how it changes",
                "Share one thing you’re grateful for at bedtime",
                "Look at old photos and tell family stories",
                "Do one small thing for the neighbourhood"]),
            "lessons": [
                {"slug": "when-children-ask", "title": "When children ask about life and death",
                 "summary": "Honest, simple, gentle.",
                 "body": [
                     "Children aged six to twelve begin to understand that death is "
                     "permanent, and it can frighten them. Answer simply and honestly: "
                     "“Every life has a beginning and an end, so we take good care of "
                     "ourselves and each other.”",
                     "It’s best not to say “went to sleep” or “went far away” instead of "
                     "“died”; these can make children afraid of sleep or separation. You can "
                     "say “died” plainly. Let them ask the same question many times; that is "
                     "how children make sense of it.",
                 ]},
                {"slug": "meaning-in-everyday-life", "title": "Meaning in everyday life",
                 "summary": "Meaning grows from connection, contribution and growth.",
                 "body": [
                     "Some positive-psychology research suggests that meaning often comes "
                     "from feeling connected, doing something for others, and seeing "
                     "ourselves grow. All three can be practised at home.",
                     "Let your child look after a plant, take a meal to an older neighbour "
                     "together, or look back each week at one thing they can do now that "
                     "they couldn’t before. Small things add up to a child’s love of life.",
                 ],
                 "quiz": [
                     ("Which of these help a child build a sense of meaning?", True, [
                         ("Looking after a plant", True,
                          "Yes: caring for a living thing builds responsibility and "
                          "connection."),
                         ("Helping a neighbour together", True,
                          "Yes: doing things for others is a key source of meaning."),
                         ("Focusing only on exam rankings", False,
                          "Rankings rarely bring lasting meaning."),
                     ]),
                 ]},
                {"slug": "facing-loss", "title": "Facing loss together",
                 "summary": "When a pet or a relative dies, children need to grieve too.",
                 "body": [
                     "Loss brings sadness, anger and even guilt. Tell your child these "
                     "feelings are normal and adults feel them too. Make a keepsake "
                     "together: a drawing, a letter, a tree.",
                     "Grief often lasts for months, with better and worse days. If months "
                     "later your child still cannot go to school or sleep, or stays very sad "
                     "and loses interest in everything, seek professional help.",
                     "## When a child says they want to die, or to be with the person who died",
                     "Children sometimes say “I want to go to Grandma too”. It may be "
                     "missing her, or it may mean wanting to die; you only know if you ask. "
                     "So don’t wait: ask calmly the same day (“Do you mean you want to "
                     "die?”), stay with your child, and contact a doctor. If your child could "
                     "hurt themselves at any moment, call 120 or 110 immediately; to talk it "
                     "through with someone, call the 24-hour line 12356 or 962525.",
                 ],
                 "callout": ("seek_help", "When a child talks about wanting to die",
                             "Ask about it the same day, stay with your child, and contact a "
                             "doctor or one of the 24-hour lines below. If your child could "
                             "hurt themselves at any moment, don’t leave them alone: call 120 "
                             "or 110 immediately, or take them to the nearest hospital "
                             "emergency department.")},
            ],
        },
    },
    {
        "slug": "seeing-strengths", "topic": "positive-life-education",
        "audience": "parents", "age": "all", "minutes": 15,
        "title": "看见孩子的优点：优势视角",
        "summary": "与其只盯着问题，不如先找到孩子的优势。从优势出发，孩子面对困难时会更有底气。",
        "outcomes": ["识别孩子的性格优势", "用具体的语言肯定孩子", "把优势用在困难上"],
        "resource": ("优势观察记录表", ["这周孩子做得好的一件事：", "它体现了哪种优势（如善良、好奇、坚持）：",
                                         "我是怎么告诉孩子的：", "下周可以用这个优势做什么："]),
        "lessons": [
            {"slug": "what-are-strengths", "title": "什么是性格优势",
             "summary": "善良、好奇、坚持、幽默……每个孩子都有。",
             "body": [
                 "性格优势是孩子身上自然流露的好品质，比如善良、好奇、勇敢、坚持、幽默、公平。一些积极心理学的研究提示，经常用上自己的优势，可能让人更有幸福感，遇到挫折时也更有韧性。",
                 "优势不等于成绩好。一个成绩一般、却总愿意照顾弟弟妹妹的孩子，身上有很珍贵的善良和责任感。",
                 "每个孩子的优势都不一样，也会随着长大慢慢变化。这周不妨留心记下孩子做得好的几件小事，想一想每件事背后是哪种品质。",
             ]},
            {"slug": "praise-that-works", "title": "具体的肯定更有力量",
             "summary": "说出你看到的行为和它体现的品质。",
             "body": [
                 "比起“你真棒”，更有帮助的是具体的描述：“你刚才主动把玩具分给新同学，我看到了你的善良。”具体的肯定让孩子知道自己做对了什么，也更相信这是真的。",
                 "肯定努力和方法，而不只是结果：“这道题你换了三种方法，一直没放弃。”孩子会慢慢明白：本事是练出来的，遇到难题也值得再试一试。",
             ],
             "quiz": [
                 ("哪一句是具体、有帮助的肯定？", False, [
                     ("“你真聪明。”", False, "笼统夸聪明，可能让孩子害怕失败。"),
                     ("“你试了三种方法都没放弃，这份坚持很了不起。”", True, "对。说出具体行为和它体现的优势。"),
                     ("“比你表哥强多了。”", False, "比较式的夸奖容易带来压力。"),
                 ]),
             ]},
            {"slug": "strengths-in-hard-times", "title": "困难时用上优势",
             "summary": "优势是面对困难时的工具。",
             "body": [
                 "当孩子遇到困难，可以问：“你的哪个优势能帮上忙？”好奇的孩子可以把难题当作探索，幽默的孩子可以用轻松的方式缓解紧张。",
                 "家长也可以分享自己如何用优势度过难关。孩子从你的故事里学到：困难是可以面对的。",
                 "优势视角不是假装问题不存在。孩子遇到的困难仍然需要认真对待；如果困难持续了很久，或者孩子明显不开心，可以找老师或咨询师一起想办法。",
             ]},
        ],
        "en": {
            "title": "Seeing your child’s strengths",
            "summary": "Instead of looking only at problems, start with what your child does "
                       "well. Starting from strengths helps children face difficulties with "
                       "more confidence.",
            "outcomes": ["Recognise your child’s character strengths",
                         "Praise your child in specific words",
                         "Put strengths to work when things are hard"],
            "resource": ("Strengths diary", [
                "One thing my child did well this week:",
                "The strength it showed (e.g. kindness, curiosity, perseverance):",
                "How I told my child:",
                "How this strength could help next week:"]),
            "lessons": [
                {"slug": "what-are-strengths", "title": "What are character strengths?",
                 "summary": "Kindness, curiosity, perseverance, humour… every child has some.",
                 "body": [
                     "Character strengths are the good qualities that show naturally in a "
                     "child: kindness, curiosity, courage, perseverance, humour, fairness. "
                     "Some positive-psychology studies suggest that using our strengths "
                     "often may make us happier and more resilient when things go wrong.",
                     "Strengths are not the same as good marks. A child with average grades "
                     "who always looks after younger brothers and sisters has a precious "
                     "kindness and sense of responsibility.",
                     "Every child’s strengths are different, and they change as children "
                     "grow. This week, try noting a few small things your child does well, "
                     "and the quality behind each one.",
                 ]},
                {"slug": "praise-that-works", "title": "Specific praise means more",
                 "summary": "Say what you saw and the quality it showed.",
                 "body": [
                     "Rather than “well done”, describe what you saw: “You shared your toys "
                     "with the new classmate without being asked — that was kind.” Specific "
                     "praise tells children what they did right, and they are more likely "
                     "to believe it.",
                     "Praise effort and approach, not only results: “You tried three "
                     "different ways on that problem and didn’t give up.” Over time children "
                     "learn that ability grows with practice, and that a hard problem is "
                     "worth another try.",
                 ],
                 "quiz": [
                     ("Which is specific, helpful praise?", False, [
                         ("“You’re so clever.”", False,
                          "General praise for being clever can make children afraid of "
                          "failing."),
                         ("“You tried three ways and didn’t give up — that’s real "
                          "perseverance.”", True,
                          "Yes. Name the behaviour and the strength it shows."),
                         ("“You’re much better than your cousin.”", False,
                          "Praise by comparison tends to bring pressure."),
                     ]),
                 ]},
                {"slug": "strengths-in-hard-times", "title": "Using strengths when things are hard",
                 "summary": "Strengths are tools for hard times.",
                 "body": [
                     "When your child is struggling, ask: “Which of your strengths could "
                     "help here?” A curious child can treat a hard problem as something to "
                     "explore; a child with a sense of humour can ease the tension.",
                     "Share how you have used your own strengths to get through hard times. "
                     "Your stories show children that difficulties can be faced.",
                     "Seeing strengths doesn’t mean pretending problems aren’t there. Your "
                     "child’s difficulties still deserve attention; if they last a long "
                     "time or your child is clearly unhappy, talk with a teacher or a "
                     "counsellor and work it out together.",
                 ]},
            ],
        },
    },
    # --- 家庭关系调适 ------------------------------------------------------------
    {
        "slug": "parent-child-communication", "topic": "family-relationships",
        "audience": "parents", "age": "all", "minutes": 30,
        "title": "亲子沟通的四个小习惯",
        "summary": "好的关系不是靠一次长谈，而是每天的小习惯。这一模块介绍四个容易上手的亲子沟通习惯。",
        "outcomes": ["每天安排一段专注陪伴的时间", "用倾听代替说教", "用“我”开头表达感受", "在冲突后修复关系"],
        "resource": ("亲子沟通每日小卡", ["今天有十分钟只陪孩子、不看手机吗？", "我先听完了孩子的话吗？",
                                           "我用“我感到……因为……”表达了吗？", "吵架后我主动修复了吗？"]),
        "lessons": [
            {"slug": "ten-minutes-a-day", "title": "每天十分钟的专注陪伴",
             "summary": "放下手机，跟着孩子的兴趣走。",
             "body": [
                 "亲子沟通的基础是关系。每天留出十分钟，放下手机，让孩子决定做什么：搭积木、聊游戏、一起散步。大人的任务是跟随和欣赏，不指导、不纠正。",
                 "这段时间看起来很短，却能让孩子感到“我在爸爸妈妈心里很重要”。坚持几周，很多家长会发现孩子更愿意主动说话了。",
             ]},
            {"slug": "listening-first", "title": "先听，再说",
             "summary": "倾听比说教更能打开孩子的话匣子。",
             "body": [
                 "孩子说起学校的事，家长常常忍不住马上给建议或批评。试着先听完，再用自己的话复述：“听起来你觉得老师不公平，所以很生气。”",
                 "被理解的感觉会让孩子平静下来，也更愿意听你的想法。良好的亲子沟通，往往从一句“然后呢？”开始。",
             ],
             "quiz": [
                 ("孩子回家说“今天数学老师冤枉我了”，哪种回应最能帮助沟通？", False, [
                     ("“老师肯定有原因，你先反省自己。”", False, "马上评判会让孩子关上门。"),
                     ("“听起来你觉得很委屈，能说说发生了什么吗？”", True, "对。先回应感受，再了解事情。"),
                     ("“别想了，快去写作业。”", False, "回避会让孩子觉得说了也没用。"),
                 ]),
             ]},
            {"slug": "i-statements", "title": "用“我”开头说感受",
             "summary": "“我感到……因为……”比“你总是……”更容易被听进去。",
             "body": [
                 "冲突时，“你总是拖拉”“你从来不听话”这样的话容易引发对抗。换成“我感到着急，因为快到睡觉时间了，作业还没开始”，孩子更容易听到你的需要。",
                 "“我”信息包括三部分：我的感受、发生的具体事情、我的需要或请求。多练几次，就会变成自然的说话方式。",
             ]},
            {"slug": "repair-after-conflict", "title": "吵架之后的修复",
             "summary": "关系的韧性来自修复，而不是从不冲突。",
             "body": [
                 "每个家庭都会吵架。重要的是吵完之后，大人愿意主动修复：“刚才我声音太大了，对不起。我还是想和你一起解决这件事。”",
                 "大人的道歉不会降低威信，反而教会孩子如何面对错误、如何重新靠近。",
                 "修复不等于收回规矩。可以先把关系修好，等双方都平静下来，再回到原来的问题上一起商量。如果家里的争吵常常升级到摔东西、动手，或者孩子开始害怕回家，这就不只是沟通的问题了，请找工作站的咨询师一起想办法。如果有人正在受到伤害，或者你担心孩子的安全，请立即拨打 110。",
             ],
             "quiz": [
                 ("关于吵架后的修复，哪些说法是对的？", True, [
                     ("大人主动道歉，能示范如何面对错误", True, "对。孩子从大人身上学会修复关系。"),
                     ("修复时可以重申想一起解决问题", True, "对。道歉和解决问题可以同时进行。"),
                     ("道歉会让孩子以后不听话", False, "真诚的道歉通常会增进信任。"),
                 ]),
             ]},
        ],
        "en": {
            "title": "Four small habits of parent–child communication",
            "summary": "Good relationships grow from daily habits, not one long talk. Four "
                       "easy habits to start with.",
            "outcomes": ["Set aside focused time every day", "Listen instead of lecturing",
                         "Say how you feel with “I” statements", "Repair after a quarrel"],
            "resource": ("Daily communication card", [
                "Did I spend ten phone-free minutes with my child today?",
                "Did I listen to the end before answering?",
                "Did I say “I feel … because …”?",
                "After a quarrel, did I take the first step to repair?"]),
            "lessons": [
                {"slug": "ten-minutes-a-day", "title": "Ten focused minutes a day",
                 "summary": "Put the phone away and follow your child’s lead.",
                 "body": [
                     "Communication rests on the relationship. Give ten minutes a day, phone "
                     "away, and let your child choose: building blocks, talking about a "
                     "game, a walk. Your job is to follow and enjoy, not to teach or correct.",
                     "It seems short, but it tells a child “I matter to my parents”. After a "
                     "few weeks many parents find their child talks to them more.",
                 ]},
                {"slug": "listening-first", "title": "Listen first, then speak",
                 "summary": "Listening opens children up more than advice does.",
                 "body": [
                     "When children talk about school, parents often jump in with advice or "
                     "criticism. Try listening to the end, then put what you heard in your "
                     "own words: “It sounds like you felt the teacher was unfair, and "
                     "you’re angry.”",
                     "Feeling understood calms children and makes them readier to hear you. "
                     "A good conversation often starts with “And then what happened?”",
                 ],
                 "quiz": [
                     ("Your child says “the maths teacher blamed me unfairly today.” Which "
                      "reply helps most?", False, [
                          ("“The teacher must have had a reason. Think about what you did.”",
                           False, "Judging straight away closes the door."),
                          ("“It sounds like you felt really wronged. What happened?”", True,
                           "Yes. Acknowledge the feeling first, then find out more."),
                          ("“Stop thinking about it and go and do your homework.”", False,
                           "Brushing it off tells your child there’s no point in telling "
                           "you."),
                      ]),
                 ]},
                {"slug": "i-statements", "title": "Start with “I”",
                 "summary": "“I feel … because …” is easier to hear than “you always …”.",
                 "body": [
                     "In a conflict, “you’re always so slow” or “you never listen” invites a "
                     "fight. “I feel anxious because it’s nearly bedtime and homework hasn’t "
                     "started” lets your child hear what you need.",
                     "An I-statement has three parts: my feeling, the specific situation, "
                     "and my need or request. Practise it a few times and it becomes a "
                     "natural way of speaking.",
                 ]},
                {"slug": "repair-after-conflict", "title": "Making up after a quarrel",
                 "summary": "Strong relationships come from repair, not from never arguing.",
                 "body": [
                     "Every family argues. What matters is that afterwards an adult takes the "
                     "first step to make up: “I raised my voice just now, and I’m sorry. I "
                     "still want us to sort this out together.”",
                     "Apologising doesn’t cost you your authority. It shows your child how "
                     "to face a mistake and how to come close again.",
                     "Making up doesn’t mean dropping the rule. Mend the relationship first; "
                     "when you are both calm, come back to the original problem together. "
                     "If quarrels at home often end with things being thrown or someone "
                     "being hit, or your child starts to dread coming home, it is more than "
                     "a communication problem: talk it over with one of the station’s "
                     "counsellors. If someone is being hurt right now, or you fear for your "
                     "child’s safety, call 110 at once.",
                 ],
                 "quiz": [
                     ("Which statements about making up after a quarrel are true?", True, [
                         ("A parent who apologises first shows how to face a mistake", True,
                          "Yes. Children learn repair from the adults around them."),
                         ("When you make up, you can say you still want to solve the "
                          "problem together", True,
                          "Yes. Apologising and solving the problem can go together."),
                         ("Apologising will make your child disobey you later", False,
                          "A sincere apology usually builds trust."),
                     ]),
                 ]},
            ],
        },
    },
    {
        "slug": "teenage-conflict", "topic": "family-relationships",
        "audience": "parents", "age": "13-17", "minutes": 20,
        "title": "青春期冲突：少一点争吵",
        "summary": "青春期的孩子渴望独立，冲突难免。理解背后的需要，可以让争吵少一些、沟通多一些。",
        "outcomes": ["理解青春期对独立的需要", "和孩子协商家庭规则", "在情绪激动时暂停"],
        "resource": ("家庭规则协商单", ["我们要讨论的事：", "孩子的想法：", "家长的担心：",
                                         "我们都能接受的做法：", "下次回顾的日期："]),
        "lessons": [
            {"slug": "why-teens-push-back", "title": "孩子为什么总顶嘴",
             "summary": "对独立的渴望，是成长的一部分。",
             "body": [
                 "常听到这样一种说法：青春期大脑里对情绪和奖励敏感的部分较早变得活跃，负责计划和自我控制的部分则要到二十岁出头才慢慢成熟。这是一个简化的说法，真实的大脑发育要复杂得多，每个孩子也不一样，但它有助于理解：为什么孩子情绪来得快，也格外在意同伴和自己做主。",
                 "顶嘴往往是在说“我想自己做决定”。把它看成成长的信号，而不是对父母的不尊重，家长会更容易冷静下来。",
             ]},
            {"slug": "negotiating-rules", "title": "一起商量家庭规则",
             "summary": "孩子参与制定的规则，更容易被遵守。",
             "body": [
                 "手机时间、回家时间、零花钱，这些常见的冲突点都可以坐下来商量。先听孩子的想法，再说出你的担心，最后找一个双方都能接受的做法，并约定什么时候回顾。",
                 "安全底线（比如不单独去见网上认识的人）可以坚持，其他事情尽量给孩子选择的空间。",
             ],
             "quiz": [
                 ("协商手机使用时间时，第一步最好是？", False, [
                     ("直接宣布新规定", False, "单方面规定容易引发对抗。"),
                     ("先听孩子怎么安排、为什么", True, "对。先听，孩子才会愿意听你。"),
                     ("没收手机再谈", False, "先惩罚会让协商变成对抗。"),
                 ]),
             ]},
            {"slug": "taking-a-pause", "title": "情绪上头时先暂停",
             "summary": "暂停不是逃避，而是为了更好地谈。",
             "body": [
                 "当双方都很激动时，任何话都可能变成伤害。可以提前约定一个暂停信号，比如：“我们都先冷静二十分钟，再接着谈。”暂停时说清楚你在哪儿、多久回来，让孩子知道你不是甩手走开。",
                 "暂停之后一定要回来继续谈，否则孩子会觉得被敷衍。冷静下来的对话，才可能真正解决问题。",
                 "## 有一种时候不能暂停",
                 "如果争吵中孩子说出想死、不想活了，或者要伤害自己的话，就不要按暂停走开。先停下争吵，留在孩子身边，也别让孩子一个人待着。平静而直接地问：“你刚才说想死，你是真的想过结束自己的生命吗？”然后认真听，按“识别孩子的危机信号”模块里的做法陪伴和求助。哪怕这句话听起来像气头上的话，也请认真对待。",
             ],
             "callout": ("seek_help", "孩子在争吵中说想死或要伤害自己时",
                         "不要走开：先停下争吵，陪在孩子身边，认真问清楚，并在当天联系专业人员（具体做法见“识别孩子的危机信号”模块）。如果孩子已经准备伤害自己，或者你担心孩子此刻就有危险，请立即拨打 120 或 110。")},
        ],
        "en": {
            "title": "Teenage conflict: fewer arguments",
            "summary": "Teenagers long for independence, so some conflict is bound to happen. "
                       "Understanding the need behind it can mean fewer arguments and more "
                       "real conversations.",
            "outcomes": ["Understand a teenager’s need for independence",
                         "Agree family rules together with your child",
                         "Pause when emotions run high"],
            "resource": ("Family rules worksheet", [
                "What we are discussing:", "What our child thinks:",
                "What worries the parent:", "What we can both accept:",
                "Date to review it:"]),
            "lessons": [
                {"slug": "why-teens-push-back", "title": "Why teenagers talk back",
                 "summary": "Wanting independence is part of growing up.",
                 "body": [
                     "You may have heard it put this way: the parts of the teenage brain "
                     "that respond to emotion and reward become active early, while the "
                     "parts that plan ahead and hold back impulses keep maturing into the "
                     "early twenties. This is a simplification — real brain development is "
                     "far more complicated, and every child is different — but it helps "
                     "explain why feelings flare up quickly, and why friends and making "
                     "their own choices matter so much.",
                     "Talking back often means “I want to make my own decisions”. If you see "
                     "it as a sign of growing up rather than disrespect, it becomes easier "
                     "to stay calm.",
                 ]},
                {"slug": "negotiating-rules", "title": "Agreeing family rules together",
                 "summary": "Rules children help make are easier to keep.",
                 "body": [
                     "Screen time, what time to be home, pocket money: these common "
                     "flashpoints can all be talked through. Listen to your child’s view "
                     "first, then say what worries you, then look for something you can both "
                     "accept, and agree when you will review it.",
                     "Hold firm on safety (for example, never going alone to meet someone "
                     "they only know online); elsewhere, leave as much room for choice as "
                     "you can.",
                 ],
                 "quiz": [
                     ("When agreeing screen time, what is the best first step?", False, [
                         ("Announce the new rule", False,
                          "Rules handed down one-sidedly tend to provoke resistance."),
                         ("Ask how your child would plan it, and why", True,
                          "Yes. Listen first, and your child is more likely to listen to "
                          "you."),
                         ("Take the phone away, then talk", False,
                          "Punishing first turns a negotiation into a fight."),
                     ]),
                 ]},
                {"slug": "taking-a-pause", "title": "Pause when tempers rise",
                 "summary": "A pause isn’t running away; it makes a better conversation "
                            "possible.",
                 "body": [
                     "When you are both worked up, anything said can hurt. Agree on a pause "
                     "signal in advance, such as: “Let’s both take twenty minutes to calm "
                     "down, then carry on.” Say where you’ll be and when you’ll come back, "
                     "so your child knows you aren’t just walking out.",
                     "Always come back and finish the conversation, or your child will feel "
                     "brushed off. Only a calm conversation can really solve the problem.",
                     "## One time not to pause",
                     "If during a quarrel your child says they want to die, don’t want to "
                     "live, or are going to hurt themselves, don’t call a pause and walk "
                     "away. Stop the argument, stay with your child, and don’t leave them on "
                     "their own. Ask calmly and directly: “You said you want to die. Are you "
                     "having thoughts of ending your life?” Then listen, and stay with them "
                     "and get help as the module on recognising the signs of crisis "
                     "describes. Even if it sounds like something said in anger, take it "
                     "seriously.",
                 ],
                 "callout": ("seek_help",
                             "If your child says they want to die or hurt themselves during "
                             "a quarrel",
                             "Don’t walk away: stop the argument, stay with your child, ask "
                             "them about it, and contact a professional today (see the "
                             "module on recognising the signs of crisis). If your child is "
                             "about to hurt themselves, or you fear they are in danger right "
                             "now, call 120 or 110 immediately.")},
            ],
        },
    },
    {
        "slug": "grandparents-co-parenting", "topic": "family-relationships",
        "audience": "parents", "age": "0-5", "minutes": 15,
        "title": "隔代养育中的合作",
        "summary": "很多家庭由祖辈帮忙带孩子。理念不同很正常，关键是大人之间的合作。",
        "outcomes": ["理解祖辈的付出和顾虑", "在孩子面前保持一致", "用商量代替指责"],
        "lessons": [
            {"slug": "understanding-grandparents", "title": "理解祖辈的付出",
             "summary": "先看见付出，再谈分歧。",
             "body": [
                 "祖辈帮忙照顾孩子，常常付出了大量的时间和体力。他们的育儿经验来自自己的年代，有的做法和现在的建议不一样，但出发点都是爱孩子。",
                 "谈分歧之前，先表达感谢：“这段时间您接送孩子太辛苦了。”被肯定的人，更愿意听不同的意见。",
             ]},
            {"slug": "being-consistent", "title": "在孩子面前保持一致",
             "summary": "大人之间的分歧，最好私下商量。",
             "body": [
                 "如果爸爸说不能吃零食、奶奶却偷偷给，孩子会感到困惑，也会学着利用大人之间的矛盾。重要的规则，大人们要先私下商量好，再一起告诉孩子。",
                 "不必事事一致，但作息、安全和屏幕时间这几件事，最好有统一的做法。",
             ],
             "quiz": [
                 ("发现奶奶的做法和自己的理念不同，较好的做法是？", False, [
                     ("当着孩子的面纠正奶奶", False, "这会让祖辈难堪，也让孩子困惑。"),
                     ("先感谢付出，再私下商量几条重要规则", True, "对。先肯定，再商量，合作更顺利。"),
                     ("不再让奶奶带孩子", False, "往往不现实，也会伤害家庭关系。"),
                 ]),
             ]},
            {"slug": "talking-it-through", "title": "用商量代替指责",
             "summary": "一起找办法，而不是分对错。",
             "body": [
                 "可以定期开一个小小的家庭会议，每个人说说最近带孩子的困难和想法。把讨论的重点放在“我们可以怎么做”，而不是“谁做错了”。",
                 "如果分歧很大，也可以一起来参加工作站的家长工作坊，由第三方帮助大家找到共识。",
             ]},
        ],
        "en": {
            "title": "Working together when grandparents help raise children",
            "summary": "In many families grandparents help look after the children. "
                       "Different ideas are normal; what matters is that the adults work "
                       "together.",
            "outcomes": ["Understand grandparents’ efforts and worries",
                         "Stay consistent in front of the child",
                         "Talk things through instead of blaming"],
            "lessons": [
                {"slug": "understanding-grandparents", "title": "Recognising what grandparents give",
                 "summary": "See the effort first, then talk about differences.",
                 "body": [
                     "Grandparents who help with childcare often give a great deal of time "
                     "and energy. Their experience comes from their own generation, and "
                     "some of what they do differs from today’s advice, but it comes from "
                     "love for the child.",
                     "Before raising a disagreement, say thank you: “Taking the children to "
                     "nursery and back all this time has been so much work for you.” People "
                     "who feel appreciated are more willing to hear a different view.",
                 ]},
                {"slug": "being-consistent", "title": "Staying consistent in front of the child",
                 "summary": "Settle disagreements between adults in private.",
                 "body": [
                     "If Dad says no snacks and Grandma slips them some anyway, the child is "
                     "confused, and learns to play the adults off against each other. Agree "
                     "the important rules in private first, then tell the child together.",
                     "You needn’t agree on everything, but daily routine and bedtime, safety "
                     "and screen time are worth handling the same way.",
                 ],
                 "quiz": [
                     ("Grandma does things differently from the way you would. What works "
                      "better?", False, [
                          ("Correct her in front of the child", False,
                           "It embarrasses her and confuses the child."),
                          ("Thank her first, then agree a few key rules in private", True,
                           "Yes. Appreciation first, then discussion, makes working "
                           "together easier."),
                          ("Stop letting Grandma look after the child", False,
                           "Often not realistic, and it can hurt family relationships."),
                      ]),
                 ]},
                {"slug": "talking-it-through", "title": "Talking it through instead of blaming",
                 "summary": "Look for solutions together, not for who is right.",
                 "body": [
                     "Try a short family meeting now and then, where everyone says what has "
                     "been hard about looking after the child lately and what they think. "
                     "Keep the focus on “what can we do” rather than “who got it wrong”.",
                     "If the differences run deep, come to one of the station’s parent "
                     "workshops together; someone from outside the family can help everyone "
                     "find common ground.",
                 ]},
            ],
        },
    },
    # --- 情绪疏导 -----------------------------------------------------------------
    {
        "slug": "naming-feelings", "topic": "emotional-guidance",
        "audience": "children", "age": "6-12", "minutes": 15,
        "title": "认识情绪：给感受起名字",
        "summary": "说得出感受，就更容易平静下来。这一模块适合家长和孩子一起读，练习给情绪起名字、做放松呼吸。",
        "outcomes": ["说出至少六种情绪的名字", "知道所有情绪都可以被接纳", "会做一次放松呼吸"],
        "resource": ("情绪温度计（贴在冰箱上）", ["0 平静：我可以正常做事", "3 有点烦：深呼吸三次",
                                                 "6 很生气或很难过：去我的冷静角", "9 快爆炸了：找大人帮忙",
                                                 "任何时候都可以说：“我需要帮助”"]),
        "lessons": [
            {"slug": "many-feelings", "title": "情绪有很多种",
             "summary": "开心、难过、生气、害怕、惊讶、失望……",
             "body": [
                 "我们的心里住着很多情绪：开心、难过、生气、害怕、惊讶、失望、紧张、骄傲。每一种情绪都在告诉我们一些事情，比如害怕提醒我们小心，难过告诉我们失去了重要的东西。",
                 "所有的情绪都是可以有的。生气不代表你是坏孩子，哭也不丢人。我们可以选择怎么表达情绪：说出来、画出来，或者找大人抱一抱，但是不打人，也不摔东西。",
             ],
             "callout": ("get_help", "需要帮忙的时候",
                         "如果有人伤害你、让你害怕，或者你心里特别难过、不想活了，请一定告诉一个你信任的大人，比如爸爸妈妈、老师或者其他亲人；如果伤害你的人就在家里，可以告诉老师。说出来不是告状，也不是给别人添麻烦。如果有人正在伤害你，或者你觉得自己有危险，不管白天还是晚上，都可以打 110。工作日的白天，你也可以打 12355，和青少年服务台的哥哥姐姐聊一聊。")},
            {"slug": "name-it", "title": "说出来，就好一点",
             "summary": "给情绪起名字，能帮大脑平静下来。",
             "body": [
                 "有科学家做过研究：人们用词语说出“我现在很生气”的时候，大脑里负责“拉警报”的部分会安静一些。所以，说出来，就会好一点。",
                 "家长可以帮孩子找词：“你把积木推倒了，是不是因为搭不好，觉得很失望？”慢慢地，孩子就能自己说出感受了。",
             ],
             "quiz": [
                 ("小明的画被弟弟弄脏了，他大哭起来。大人怎么说更有帮助？", False, [
                     ("“别哭了，再画一张不就行了。”", False, "急着让孩子别哭，孩子会觉得自己的感受是不被允许的。"),
                     ("“你的画被弄脏了，你很伤心，也很生气，对吗？”", True, "对。先帮孩子说出感受，再一起想办法。"),
                     ("“男孩子不许哭。”", False, "每个人都可以哭，情绪没有性别之分。"),
                 ]),
                 ("下面哪些是情绪的名字？", True, [
                     ("失望", True, "对。"), ("紧张", True, "对。"), ("桌子", False, "桌子是一样东西，不是情绪。"),
                 ]),
             ]},
            {"slug": "calm-breathing", "title": "放松呼吸练习",
             "summary": "像闻花、吹蜡烛一样慢慢呼吸。",
             "body": [
                 "当情绪特别强烈的时候，身体会变得紧绷，心跳也会变快。慢慢地呼吸，就像在告诉身体：“现在是安全的。”",
                 "下面是“闻花吹蜡烛”呼吸的做法。可以请家长慢慢读给你听，你跟着做；多练几次，你自己也会了。",
             ],
             "audio": {"title": "闻花吹蜡烛：三分钟放松呼吸", "transcript": (
                 "找一个舒服的姿势坐好，可以闭上眼睛，也可以看着地面。\n"
                 "想象你一只手里拿着一朵香香的花。用鼻子慢慢吸气，闻一闻花香：一、二、三、四。\n"
                 "再想象另一只手里拿着一根蜡烛。用嘴巴慢慢呼气，让火苗轻轻摇晃，但不要把它吹灭：一、二、三、四、五、六。\n"
                 "我们再来一次。闻花……吹蜡烛……\n"
                 "感觉一下你的肩膀，让它松下来。把一只手放在肚子上，感觉肚子随着呼吸一起一伏。\n"
                 "再慢慢做三次，不着急。闻花……吹蜡烛……\n"
                 "如果觉得头晕，就停下来，像平时一样呼吸就好。\n"
                 "做得很好。不管什么时候觉得紧张、害怕或者生气，你都可以闻闻花、吹吹蜡烛。")}},
        ],
        "en": {
            "title": "Naming feelings",
            "summary": "Feelings we can name are easier to calm. Read this with your child: "
                       "practise naming emotions and a calm-breathing exercise.",
            "outcomes": ["Name at least six feelings", "Know that every feeling is allowed",
                         "Do one calm-breathing exercise"],
            "resource": ("Feelings thermometer (for the fridge)", [
                "0 Calm: I can get on with things", "3 A bit annoyed: three deep breaths",
                "6 Very angry or sad: go to my calm corner",
                "9 About to explode: ask an adult for help",
                "Any time I can say: “I need help”"]),
            "lessons": [
                {"slug": "many-feelings", "title": "There are many feelings",
                 "summary": "Happy, sad, angry, scared, surprised, disappointed…",
                 "body": [
                     "Lots of feelings live inside us: happy, sad, angry, scared, surprised, "
                     "disappointed, nervous, proud. Each one tells us something: fear says "
                     "be careful, sadness says we lost something important.",
                     "Every feeling is allowed. Being angry doesn’t make you a bad kid, and "
                     "crying is nothing to be ashamed of. We can choose how we show our "
                     "feelings: say them, draw them, or ask a grown-up for a hug — but we "
                     "don’t hit people or break things.",
                 ],
                 "callout": ("get_help", "When you need help",
                             "If someone is hurting you or scaring you, or you feel so sad "
                             "that you don’t want to be alive, please tell an adult you "
                             "trust, like your mum or dad, a teacher or another relative; if "
                             "the person hurting you is at home, you can tell a teacher. "
                             "Telling isn’t telling tales, and you are not a bother. If "
                             "someone is hurting you, or you feel you are in danger, you "
                             "can call 110 at any time, day or night. On weekdays in the "
                             "daytime you can also call 12355 and talk to someone at the "
                             "youth helpline.")},
                {"slug": "name-it", "title": "Name it to tame it",
                 "summary": "Putting a feeling into words helps the brain calm down.",
                 "body": [
                     "Scientists have found that when people say “I’m really angry right "
                     "now”, the part of the brain that sounds the alarm quietens down a "
                     "little. So saying it out loud helps.",
                     "Parents can help find the words: “You knocked the blocks over — were "
                     "you disappointed they wouldn’t stand up?” Little by little children "
                     "learn to say it themselves.",
                 ],
                 "quiz": [
                     ("Ming’s drawing got spoiled by his little brother and he bursts into "
                      "tears. What helps most?", False, [
                          ("“Stop crying, just draw another one.”", False,
                           "Rushing to stop the tears tells a child the feeling isn’t "
                           "allowed."),
                          ("“Your drawing got spoiled and you’re sad and cross, aren’t "
                           "you?”", True,
                           "Yes. Name the feeling first, then solve the problem together."),
                          ("“Big boys don’t cry.”", False,
                           "Everyone can cry. Feelings are the same for boys and girls."),
                      ]),
                     ("Which of these are names of feelings?", True, [
                         ("Disappointed", True, "Yes."), ("Nervous", True, "Yes."),
                         ("Table", False, "A table is a thing, not a feeling."),
                     ]),
                 ]},
                {"slug": "calm-breathing", "title": "Calm breathing",
                 "summary": "Breathe slowly, like smelling a flower and blowing a candle.",
                 "body": [
                     "When feelings get really strong, the body tenses up and the heart "
                     "beats faster. Breathing slowly is like telling your body: “right now "
                     "I am safe.”",
                     "Here is how to do “smell the flower, blow the candle” breathing. Ask "
                     "a grown-up to read it to you slowly while you follow along; after a "
                     "few goes you’ll be able to do it on your own.",
                 ],
                 "audio": {"title": "Smell the flower, blow the candle", "transcript": (
                     "Sit comfortably. Close your eyes or look at the floor.\n"
                     "Imagine a sweet-smelling flower in one hand. Breathe in slowly through "
                     "your nose and smell it: one, two, three, four.\n"
                     "Imagine a candle in the other hand. Breathe out slowly through your "
                     "mouth so the flame flickers but doesn’t go out: one, two, three, four, "
                     "five, six.\n"
                     "Once more. Smell the flower… blow the candle…\n"
                     "Let your shoulders drop. Put a hand on your tummy and feel it rise and "
                     "fall as you breathe.\n"
                     "Three more times, slowly, no hurry. Smell the flower… blow the "
                     "candle…\n"
                     "If you feel dizzy, stop and breathe the way you normally do.\n"
                     "Well done. Whenever you feel tense, scared or cross, you can smell the "
                     "flower and blow the candle.")}},
            ],
        },
    },
    {
        "slug": "exam-anxiety", "topic": "emotional-guidance",
        "audience": "teens", "age": "13-17", "minutes": 20,
        "title": "考试焦虑的自我调节",
        "summary": "写给初高中同学：适度紧张能帮你发挥，过度焦虑则需要调一调。几个方法，帮你把焦虑变成可以管理的东西。",
        "outcomes": ["分辨适度紧张和过度焦虑", "用呼吸和身体放松平复紧张", "换一种方式看待考试中的念头"],
        "warning": "本模块的最后一课谈到有伤害自己的念头时该怎么办、可以找谁。如果读的时候觉得难受，可以先停下来，找一个信任的大人聊聊。",
        "resource": ("考前一周自我照顾清单", ["睡够觉：初中生每天睡够 9 小时，高中生睡够 8 小时", "每天运动 20 分钟",
                                               "把担心写下来，再写一个小行动", "考前一晚准备好文具，按时睡觉",
                                               "紧张时做 4-6 呼吸：吸 4 秒，呼 6 秒"]),
        "lessons": [
            {"slug": "good-stress-bad-stress", "title": "紧张不都是坏事",
             "summary": "适度的紧张让你专注，过度的焦虑让你卡住。",
             "body": [
                 "考试前心跳加快、手心出汗，是身体在为挑战做准备。适度的紧张能让注意力更集中。",
                 "但如果担心让你连续几晚睡不着、吃不下饭、一看书就头脑空白，或者总想逃避上学，那就是焦虑过度了。这值得认真对待：可以找班主任、心理老师或家长聊聊，也可以和家长一起预约工作站的咨询师。",
             ]},
            {"slug": "calming-the-body", "title": "先让身体平静",
             "summary": "呼吸和肌肉放松，是随身带着的工具。",
             "body": [
                 "试试 4-6 呼吸：用鼻子吸气四秒，用嘴巴呼气六秒，做五轮。呼气比吸气长，能帮身体从紧绷的“战斗模式”慢慢放松下来。如果觉得头晕，就恢复平常的呼吸。",
                 "还可以做渐进式肌肉放松：握紧拳头五秒，再松开，感受放松的感觉；依次放松肩膀、脸和腿。考场上也可以悄悄做。",
             ],
             "quiz": [
                 ("4-6 呼吸的关键是什么？", False, [
                     ("吸气比呼气长", False, "反过来：呼气更长才有放松效果。"),
                     ("呼气比吸气长", True, "对。延长呼气能帮助身体平静下来。"),
                     ("尽量快速呼吸", False, "快速呼吸会让紧张感更强。"),
                 ]),
             ]},
            {"slug": "thinking-differently", "title": "换个角度看念头",
             "summary": "念头不等于事实。",
             "body": [
                 "焦虑时脑子里常冒出“我肯定考砸”“考不好人生就完了”。这些是念头，不是事实。可以问问自己：有什么证据？最坏的情况真的会发生吗？如果发生了，我能怎么应对？",
                 "把担心写下来，再在旁边写一个能做的小行动，比如“今晚复习错题二十分钟”。动手做一点，焦虑往往就会小一些。",
                 "考试很重要，但它只是很长一段路中的一站。一次没考好，后面还有很多路可以走；你的价值也不是由分数决定的。",
             ],
             "callout": ("seek_help", "如果你有伤害自己的念头，或者觉得不想活了",
                         "请今天就告诉一个你信任的大人，比如家长、班主任或心理老师，不要一个人扛着。你也可以拨打下面的热线，和受过训练的人聊一聊。如果你觉得自己此刻就可能伤害自己，请马上拨打 120 或 110，或者请身边的人陪你去医院急诊，不要一个人待着。")},
        ],
        "en": {
            "title": "Managing exam anxiety",
            "summary": "For secondary-school students: a bit of nervousness helps you do "
                       "well; too much anxiety needs some adjusting. A few ways to turn "
                       "anxiety into something you can manage.",
            "outcomes": ["Tell healthy nerves from too much anxiety",
                         "Calm tension with breathing and relaxing your body",
                         "Look at worried thoughts about exams in a different way"],
            "warning": "The last lesson of this module talks about what to do if you have "
                       "thoughts of hurting yourself, and who to turn to. If reading it "
                       "feels hard, stop for a while and talk to an adult you trust.",
            "resource": ("Self-care checklist for exam week", [
                "Sleep enough: 9 hours a night in junior secondary school, 8 in senior "
                "secondary",
                "Exercise for 20 minutes a day",
                "Write your worry down, then one small action next to it",
                "Get your pens and things ready the night before, and go to bed on time",
                "When you feel tense, do 4-6 breathing: in for 4 seconds, out for 6"]),
            "lessons": [
                {"slug": "good-stress-bad-stress", "title": "Not all nerves are bad",
                 "summary": "A little nervousness helps you focus; too much anxiety makes "
                            "you freeze.",
                 "body": [
                     "Before an exam your heart beats faster and your palms sweat: your "
                     "body is getting ready for a challenge. A moderate amount of "
                     "nervousness can sharpen your attention.",
                     "But if worry keeps you awake several nights running, stops you eating, "
                     "makes your mind go blank whenever you open a book, or makes you want "
                     "to avoid school, the anxiety has gone too far. That deserves real "
                     "care: talk to your form teacher, the school counsellor or your "
                     "parents, or book one of the station’s counsellors with a parent.",
                 ]},
                {"slug": "calming-the-body", "title": "Calm your body first",
                 "summary": "Breathing and muscle relaxation are tools you always carry "
                            "with you.",
                 "body": [
                     "Try 4-6 breathing: breathe in through your nose for four seconds and "
                     "out through your mouth for six, five times. A longer out-breath helps "
                     "your body shift out of “fight mode” and settle. If you feel dizzy, go "
                     "back to breathing normally.",
                     "You can also try progressive muscle relaxation: clench your fists for "
                     "five seconds, then let go and notice how the relaxation feels; then "
                     "do the same with your shoulders, face and legs. You can do it quietly "
                     "in the exam room too.",
                 ],
                 "quiz": [
                     ("What is the key to 4-6 breathing?", False, [
                         ("Breathing in for longer than you breathe out", False,
                          "The other way round: a longer out-breath is what relaxes you."),
                         ("Breathing out for longer than you breathe in", True,
                          "Yes. A longer out-breath helps your body calm down."),
                         ("Breathing as fast as you can", False,
                          "Fast breathing makes tension worse."),
                     ]),
                 ]},
                {"slug": "thinking-differently", "title": "Seeing your thoughts differently",
                 "summary": "Thoughts are not facts.",
                 "body": [
                     "When you are anxious, thoughts like “I’m definitely going to fail” or "
                     "“if I do badly my life is over” pop up. These are thoughts, not facts. "
                     "Ask yourself: What is the evidence? Will the worst really happen? And "
                     "if it did, how would I cope?",
                     "Write the worry down, and next to it one small thing you can do, such "
                     "as “go over the questions I got wrong for twenty minutes tonight”. "
                     "Doing something usually makes the anxiety a little smaller.",
                     "Exams matter, but each one is a single stop on a long road. One bad "
                     "result still leaves many paths open, and your worth is not decided by "
                     "a score.",
                 ],
                 "callout": ("seek_help",
                             "If you have thoughts of hurting yourself, or of not wanting to "
                             "live",
                             "Please tell an adult you trust today — a parent, your form "
                             "teacher or the school counsellor. You don’t have to carry this "
                             "alone. You can also call one of the lines below and talk to "
                             "someone trained to help. If you feel you might hurt yourself "
                             "right now, call 120 or 110 straight away, or ask someone near "
                             "you to take you to a hospital emergency department. Don’t stay "
                             "on your own.")},
            ],
        },
    },
    # --- 自闭症咨询与科普 ----------------------------------------------------------
    {
        "slug": "understanding-autism", "topic": "autism",
        "audience": "parents", "age": "all", "minutes": 30,
        "title": "认识孤独症（自闭症）谱系",
        "summary": "孤独症谱系是一种发育上的差异，每个孩子都不一样。这一模块介绍基本知识、常见误解、评估途径和在家里的支持。",
        "outcomes": ["了解孤独症谱系的基本特点", "分辨常见误解", "知道如何寻求专业评估", "在家里用上视觉支持"],
        "resource": ("就诊前准备清单", ["记录孩子在沟通、社交方面让你在意的具体例子", "记录孩子特别的兴趣和重复行为",
                                         "带上孩子的儿童保健手册、成长记录和以往检查结果", "写下你最想问医生的三个问题",
                                         "记得问：本地有哪些干预和支持服务（康复训练），有哪些家长支持资源"]),
        "lessons": [
            {"slug": "what-is-autism", "title": "什么是孤独症（自闭症）谱系",
             "summary": "一种大脑发育上的差异，表现因人而异。",
             "body": [
                 "孤独症谱系是一种神经发育上的差异，主要表现在社交沟通方面的不同，以及兴趣比较集中、喜欢重复和规律。医院的诊断报告上一般写作“孤独症谱系障碍”。之所以叫“谱系”，是因为每个孩子的表现和需要差别很大。",
                 "有的孩子语言很少，有的孩子说话很流利，却不太懂聊天时的你来我往；很多孩子对声音、光线或触碰特别敏感，也有的孩子对疼痛、冷热这类感觉不太敏感。了解孤独症，是为了更好地理解孩子，而不是给孩子贴标签。",
             ]},
            {"slug": "common-myths", "title": "常见的误解",
             "summary": "不是父母养出来的，也不是疫苗引起的。",
             "body": [
                 "误解一：孤独症（自闭症）是父母冷漠造成的。这是错误的，孤独症与遗传和早期大脑发育有关，不是教养方式导致的。误解二：疫苗会引起孤独症。多项涉及上百万名儿童的大型研究，都没有发现两者之间有关联。",
                 "误解三：孤独症孩子没有感情。其实他们同样有丰富的情感，只是表达方式可能不同。理解这些，可以让家长放下不必要的自责。",
             ],
             "quiz": [
                 ("关于孤独症，下面哪些说法是对的？", True, [
                     ("孤独症不是父母教养方式造成的", True, "对。家长不需要为此自责。"),
                     ("疫苗会导致孤独症", False, "大型研究一再证实，疫苗和孤独症无关。"),
                     ("每个孤独症孩子的表现差别很大", True, "对，这正是“谱系”的含义。"),
                 ]),
             ]},
            {"slug": "getting-an-assessment", "title": "如何寻求专业评估",
             "summary": "有担心就尽早评估，早一点支持，孩子早一点受益。",
             "body": [
                 "按照国家卫健委 2022 年发布的服务规范，0～6 岁的孩子在社区卫生服务中心做儿童保健体检时，会做心理行为发育的初步筛查，其中就包括孤独症（自闭症）的早期信号。初筛提示需要进一步检查的，会转到区里的妇幼保健机构复筛，需要时再到有诊断资质的医院确诊。所以，请按时带孩子去做儿童保健体检。",
                 "如果你对孩子的语言、眼神交流、社交或重复行为有担心，不必等下一次体检，孩子多大都可以去评估：儿童医院或妇幼保健院的发育行为科、儿童保健科，或者精神专科医院的儿童青少年科都可以。评估和诊断只能由专业医生完成，网上的量表不能代替。",
                 "无论结果如何，早一点了解孩子的需要，就能早一点得到合适的支持。确诊以后，可以向医生了解本地的干预和支持服务（康复训练），也可以向所在区的残联了解有哪些补助政策。工作站的咨询师可以帮你整理问题、了解就诊流程。",
             ]},
            {"slug": "visual-supports", "title": "在家里用上视觉支持",
             "summary": "图片日程表让一天变得可预期。",
             "body": [
                 "很多孤独症（自闭症）谱系的孩子更容易理解看得见的信息。可以用图片做一张日程表：起床、刷牙、早饭、上学……每完成一项就翻过去。可以预期的安排，能减少焦虑和情绪崩溃。",
                 "需要变化时，提前用图片或社交故事告诉孩子会发生什么。同时别忘了看见孩子的兴趣和长处，它们常常是学习和建立联结的最好入口。",
             ]},
        ],
        "en": {
            "title": "Understanding the autism spectrum",
            "summary": "Autism is a difference in development, and every child is different. "
                       "The basics, common myths, getting an assessment, and support at home.",
            "outcomes": ["Know the basic features of the autism spectrum",
                         "Tell myths from facts", "Know how to seek a professional assessment",
                         "Use visual supports at home"],
            "resource": ("Before the appointment", [
                "Note specific examples of communication or social differences",
                "Note special interests and repetitive behaviours",
                "Bring the child health record book, growth records and earlier test results",
                "Write down the three questions you most want to ask",
                "Ask about local intervention and support services, and support for parents"]),
            "lessons": [
                {"slug": "what-is-autism", "title": "What is the autism spectrum?",
                 "summary": "A difference in brain development that shows differently in "
                            "each child.",
                 "body": [
                     "The autism spectrum is a neurodevelopmental difference, mainly in "
                     "social communication, with focused interests and a liking for "
                     "repetition and routine. On a hospital report in China you will "
                     "usually see the term “autism spectrum disorder” (孤独症谱系障碍). It "
                     "is a spectrum because children’s needs vary so widely.",
                     "Some children use few words; others speak fluently but find the "
                     "back-and-forth of conversation hard. Many are very sensitive to sound, "
                     "light or touch, and some hardly notice sensations such as pain, heat "
                     "or cold. Understanding autism is about understanding your child, not "
                     "labelling them.",
                 ]},
                {"slug": "common-myths", "title": "Common myths",
                 "summary": "Not caused by parenting, not caused by vaccines.",
                 "body": [
                     "Myth: autism is caused by cold parenting. It is not; it relates to "
                     "genetics and early brain development. Myth: vaccines cause autism. "
                     "Large studies covering more than a million children have found no "
                     "link.",
                     "Myth: autistic children have no feelings. They feel deeply; they may "
                     "show it differently. Knowing this can free parents from blame they "
                     "don’t deserve.",
                 ],
                 "quiz": [
                     ("Which statements about autism are true?", True, [
                         ("Autism is not caused by parenting", True,
                          "Right. Parents need not blame themselves."),
                         ("Vaccines cause autism", False,
                          "Large studies show again and again that vaccines and autism "
                          "are unrelated."),
                         ("Autistic children differ greatly from one another", True,
                          "Right — that is what “spectrum” means."),
                     ]),
                 ]},
                {"slug": "getting-an-assessment", "title": "Getting an assessment",
                 "summary": "If you are worried, ask early: the sooner support starts, the "
                            "better.",
                 "body": [
                     "Under the National Health Commission’s 2022 guidelines, children "
                     "aged 0 to 6 are checked for early signs of autism as part of the "
                     "routine child health check-ups at community health centres. If this "
                     "first screening suggests a closer look, the child is referred to the "
                     "district maternal and child health centre for a second screening and, "
                     "if needed, to a hospital qualified to diagnose. So keep up with your "
                     "child’s check-ups.",
                     "If you are concerned about your child’s speech, eye contact, social "
                     "play or repetitive behaviour, you don’t need to wait for the next "
                     "check-up, whatever your child’s age. Ask for an assessment at the "
                     "developmental-behavioural or child health clinic of a children’s or "
                     "maternal and child health hospital, or at the child and adolescent "
                     "department of a psychiatric hospital. Only specialists can assess and "
                     "diagnose; online questionnaires cannot.",
                     "Whatever the outcome, understanding your child’s needs early means "
                     "support can start early. After a diagnosis, ask the doctor about "
                     "local intervention and support services, and ask your district "
                     "Disabled Persons’ Federation what financial help is available. The "
                     "station’s counsellors can help you prepare your questions and "
                     "understand the process.",
                 ]},
                {"slug": "visual-supports", "title": "Visual supports at home",
                 "summary": "A picture timetable makes the day predictable.",
                 "body": [
                     "Many autistic children take in what they can see more easily than "
                     "words alone. Make a picture timetable of the day: getting up, "
                     "brushing teeth, breakfast, school… and turn each picture over once it "
                     "is done. A predictable day means less anxiety and fewer meltdowns.",
                     "When something is going to change, tell your child in advance with "
                     "pictures or a social story about what will happen. And keep noticing "
                     "your child’s interests and strengths: they are often the best way "
                     "into learning and connection.",
                 ]},
            ],
        },
    },
    {
        "slug": "inclusive-classrooms", "topic": "autism",
        "audience": "teachers", "age": "6-12", "minutes": 20,
        "title": "融合教育：老师和同学可以做什么",
        "summary": "孤独症（自闭症）谱系的孩子在普通班级里学习，需要一些小小的调整。写给老师：环境、沟通和同伴支持。",
        "outcomes": ["为班级做几项感官友好的调整", "用清晰具体的语言沟通", "引导同学理解和接纳"],
        "resource": ("融合课堂小调整清单", ["固定座位，远离门口和噪音", "课表和变化提前用图片告知",
                                             "指令一次一个，简短具体", "准备一个可以安静休息的角落",
                                             "和家长约定每周简短沟通一次"]),
        "lessons": [
            {"slug": "sensory-friendly-classroom", "title": "感官友好的教室",
             "summary": "少一点噪音和意外，多一点安心。",
             "body": [
                 "很多孤独症（自闭症）谱系的孩子对声音、光线特别敏感。把孩子的座位安排在远离门口和窗边的地方，允许在需要时戴降噪耳罩，可以明显减少不适。",
                 "准备一个安静的角落，孩子快要受不了的时候，可以去那里休息几分钟。这不是特殊待遇，而是帮助这位同学平静下来、继续学习的办法。",
                 "如果孩子还是情绪崩溃了，那通常是声音、光线或压力超出了孩子能承受的范围，而不是故意捣乱。这时少说话，把周围的刺激调低，陪孩子到安静的地方，等平静下来再说；事后和家长聊聊，一起找找引发的原因。",
             ]},
            {"slug": "clear-communication", "title": "清晰、具体的沟通",
             "summary": "一次一个指令，变化提前说。",
             "body": [
                 "“把数学书拿出来，翻到第二十页”比“准备上课”更清楚。指令一次给一个，必要时配上图片或板书。",
                 "课程安排有变化时，尽量提前告诉孩子，最好配上图片或写在黑板上。可以预期的环境，能让孩子把精力放在学习上。",
             ],
             "quiz": [
                 ("对孤独症（自闭症）谱系的学生，哪种指令更好？", False, [
                     ("“大家准备一下。”", False, "太笼统，孩子可能不知道要做什么。"),
                     ("“请把数学书拿出来，翻到第二十页。”", True, "对。具体、一步一步的指令更容易理解。"),
                     ("连续说出三四个要求", False, "一次一个指令更清楚。"),
                 ]),
             ]},
            {"slug": "peer-support", "title": "引导同学理解和接纳",
             "summary": "每个人都有不同，班级可以学会包容。",
             "body": [
                 "可以用绘本或班会，和同学们聊聊“每个人的大脑都不一样”：有人怕吵，有人喜欢数字，有人需要更多时间。重点是理解和友善，而不是介绍某个同学的诊断；要不要告诉全班、怎么说，先和家长、孩子本人商量好。",
                 "安排耐心友善的同学做“小伙伴”，在分组活动和课间给予一点帮助。同时留意孩子有没有被孤立、取笑或欺负，发现了要及时制止，并告诉家长。被接纳的经历，对每个孩子都很珍贵。",
             ]},
        ],
        "en": {
            "title": "Inclusive classrooms: what teachers and classmates can do",
            "summary": "Autistic children learning in mainstream classes need a few small "
                       "adjustments. For teachers: the environment, communication and peer "
                       "support.",
            "outcomes": ["Make a few sensory-friendly changes to the classroom",
                         "Communicate clearly and specifically",
                         "Help classmates understand and accept one another"],
            "resource": ("Small changes for an inclusive classroom", [
                "A fixed seat away from the door and from noise",
                "The timetable, and any change to it, shown in advance with pictures",
                "One instruction at a time, short and specific",
                "A quiet corner for a break",
                "A short weekly check-in with the parents"]),
            "lessons": [
                {"slug": "sensory-friendly-classroom", "title": "A sensory-friendly classroom",
                 "summary": "Less noise and fewer surprises, more feeling safe.",
                 "body": [
                     "Many autistic children are very sensitive to sound and light. A seat "
                     "away from the door and the windows, and permission to wear ear "
                     "defenders when needed, can make a real difference.",
                     "Set up a quiet corner where the child can take a few minutes’ break "
                     "when things are getting too much. It isn’t special treatment; it "
                     "helps the pupil calm down and carry on learning.",
                     "If a meltdown happens anyway, it usually means that noise, light or "
                     "stress has gone beyond what the child can cope with, not that they "
                     "are being naughty. Say less, turn down what is around them, go with "
                     "the child somewhere quiet, and talk once they are calm. Afterwards, "
                     "talk with the parents about what might have set it off.",
                 ]},
                {"slug": "clear-communication", "title": "Clear, specific communication",
                 "summary": "One instruction at a time; changes announced in advance.",
                 "body": [
                     "“Take out your maths book and turn to page twenty” is clearer than "
                     "“get ready for the lesson”. Give one instruction at a time, with a "
                     "picture or writing on the board if it helps.",
                     "When the timetable changes, tell the child as early as you can, "
                     "ideally with a picture or on the board. A predictable classroom lets "
                     "the child put their energy into learning.",
                 ],
                 "quiz": [
                     ("Which instruction works better for an autistic pupil?", False, [
                         ("“Everyone get ready.”", False,
                          "Too vague: the child may not know what to do."),
                         ("“Please take out your maths book and turn to page twenty.”",
                          True, "Yes. Specific, step-by-step instructions are easier to "
                                "follow."),
                         ("Giving three or four requests in a row", False,
                          "One instruction at a time is clearer."),
                     ]),
                 ]},
                {"slug": "peer-support", "title": "Helping classmates understand and accept",
                 "summary": "Everyone is different; a class can learn to make room for that.",
                 "body": [
                     "Use a picture book or a class meeting to talk about how “everyone’s "
                     "brain works differently”: some people dislike noise, some love "
                     "numbers, some need more time. The point is understanding and "
                     "kindness, not explaining a particular pupil’s diagnosis; whether and "
                     "how to tell the class is something to agree first with the parents "
                     "and the child.",
                     "Pair the child with a patient, friendly classmate as a “buddy” who "
                     "helps a little in group work and at break time. Watch for the child "
                     "being left out, teased or bullied; step in straight away when you see "
                     "it, and tell the parents. Being accepted matters to every child.",
                 ]},
            ],
        },
    },
]
