// The voice rules (22, of all 9 types), crisis playbooks and reply templates of a realistic
// calendar, copied from examples/calendar. The generated posts are written to follow these rules.

package calgen

const voiceYAML = `# yaml-language-server: $schema=schemas/voice.schema.json
#
# Northwind Roasters house style: warm, specific, plain English. We sound like the person behind the
# counter, not like an ad. These rules run on every post, thread item, override, reply template and
# crisis holding statement.

rules:
  # --- words we avoid ------------------------------------------------------------------------------
  - id: no-hype
    type: existence
    level: warning
    message: "'{{match}}' is hype. Tell people what the coffee tastes like instead."
    tokens: [revolutionary, game-changer, life-changing, unbelievable, insane, world-class]
    suggest: Name a flavour, an origin or a number.

  - id: no-health-claims
    type: existence
    level: error
    message: "'{{match}}' reads as a health claim, which we are not allowed to make about coffee."
    tokens: [detox, cure, cures, superfood, fat-burning]
    patterns: ['(?i)\bboosts? (your )?immun\w*']

  - id: no-pressure-selling
    type: existence
    level: suggestion
    message: "'{{match}}' pushes people. Give the date and let them decide."
    patterns: ['(?i)\blast chance\b', '(?i)\bact now\b', '(?i)\bdon''t miss out\b']
    where:
      pillars: [product]

  # --- spelling and names -------------------------------------------------------------------------
  - id: brand-name
    type: substitution
    level: error
    message: "Write our name as 'Northwind Roasters', not '{{match}}'."
    swap:
      northwind roasters: Northwind Roasters
      northwind roastery: Northwind Roasters
      north wind roasters: Northwind Roasters
      nw roasters: Northwind Roasters

  - id: coffee-spelling
    type: substitution
    level: warning
    message: "'{{match}}' is a common misspelling."
    swap:
      expresso: espresso
      cappucino: cappuccino
      barrista: barista
      pour over: pour-over

  - id: sentence-case
    type: capitalization
    level: suggestion
    message: "Start sentences with a capital letter: '{{match}}'."
    style: sentence
    exceptions: ["#ad", AeroPress, V60, Chemex, Berlin, Kreuzberg, Neukölln, Northwind, Roasters, Hambela, Guji, Huila, Ethiopia, Colombia]

  - id: one-spelling
    type: consistency
    level: warning
    message: "This file mixes spellings; pick one of them ('{{match}}')."
    pairs:
      - [email, e-mail]
      - [pour-over, pourover]
      - [decaf, decaffeinated]

  # --- disclosure and crisis ------------------------------------------------------------------------
  - id: sponsored-disclosure
    type: require
    level: error
    message: Paid partnerships must say '#ad' (or '#Anzeige') within the first 100 characters.
    patterns: ['#ad\b', '#Anzeige\b']
    within: 100
    where:
      tags: [sponsored]
      kinds: [post]

  - id: holding-links-to-updates
    type: require
    level: warning
    message: A holding statement should point people to the page where we post updates.
    patterns: ['https://northwind-roasters\.example/']
    where:
      kinds: [holding_statement]

  - id: calm-in-a-crisis
    type: occurrence
    level: error
    message: No exclamation marks in a holding statement.
    token: exclamation
    max: 0
    where:
      kinds: [holding_statement]

  # --- how much of what -----------------------------------------------------------------------------
  - id: max-hashtags
    type: occurrence
    level: warning
    message: More than three hashtags reads as spam.
    token: hashtag
    max: 3

  - id: one-exclamation
    type: occurrence
    level: warning
    message: One exclamation mark per text is plenty.
    token: exclamation
    max: 1

  - id: emoji-budget
    type: occurrence
    level: suggestion
    message: Two emoji at most; let the words do the work.
    token: emoji
    max: 2

  - id: no-shouting
    type: occurrence
    level: suggestion
    message: Too many words in capitals ('{{match}}').
    token: caps_word
    max: 2

  - id: newsletter-has-link
    type: occurrence
    level: warning
    message: A newsletter teaser needs a link to the full issue or the shop.
    token: link
    min: 1
    where:
      channels: [newsletter]
      kinds: [post]

  - id: mastodon-breathing-room
    type: length
    level: suggestion
    message: Keep Mastodon posts under 450 characters so they show without "read more".
    max: 450
    where:
      channels: [mastodon]

  - id: newsletter-substance
    type: length
    level: suggestion
    message: A newsletter teaser under 280 characters does not give people a reason to open it.
    min: 280
    where:
      channels: [newsletter]
      kinds: [post]

  - id: short-replies
    type: length
    level: warning
    message: Replies longer than 400 characters belong in an email, not a public thread.
    max: 400
    where:
      kinds: [reply]

  - id: reading-grade
    type: metric
    level: warning
    message: This reads above grade 9. Shorter words, shorter sentences.
    metric: reading_grade
    max: 9

  - id: sentence-length
    type: metric
    level: suggestion
    message: A sentence longer than 25 words is hard to read on a phone.
    metric: sentence_length
    max: 25

  # --- links --------------------------------------------------------------------------------------
  - id: tracked-links
    type: link
    level: error
    message: "Links must use https, and links to our shop need utm_source, utm_medium and utm_campaign: {{match}}"
    https_only: true
    require_params: [utm_source, utm_medium, utm_campaign]
    params_domains: [northwind-roasters.example]

  - id: no-shorteners
    type: link
    level: warning
    message: "Link shorteners hide where a link goes: {{match}}"
    deny_domains: [bit.ly, tinyurl.com, t.co, ow.ly]
`

type namedFile struct{ name, src string }

var playbooks = []namedFile{
	{"negative-viral-post", `# yaml-language-server: $schema=../schemas/playbook.schema.json
name: Negative post going viral
severity: high
description: >-
  A complaint about us (a visit to the shop, an order, something a team member said) is being
  shared widely. Cheerful scheduled posts next to it look tone-deaf, so the social channels go
  quiet while we find out what happened and answer properly.
triggers: [boycott, rude, disgusting, "never again", "worst coffee", "shame on"]
pause:
  channels: [mastodon, bluesky]
holding_statement:
  channels: [mastodon, bluesky]
  text: |
    We have seen the posts about a visit to our Kreuzberg shop. We are listening, we are talking with the team, and we will share what we learn. If you were there, please tell us more: https://northwind-roasters.example/contact?utm_source=social&utm_medium=holding&utm_campaign=feedback
replies: [wrong-order, refund-issued]
escalation:
  - role: Community Manager
    name: Mia Schulz
    contact: mia.schulz@example.com
  - role: Managing Director
    name: Paul Brandt
    contact: paul.brandt@example.com
checklist:
  - Take screenshots of the original post and the biggest replies
  - Talk to everyone who was on shift before anyone replies in public
  - Do not argue in the replies; move details to email
  - Agree a full answer within 24 hours, signed by a person, not the brand
  - Resolve the crisis only after the full answer is published
expires_after: 2d
`},
	{"product-recall", `# yaml-language-server: $schema=../schemas/playbook.schema.json
name: Product recall
severity: critical
description: >-
  A batch of our coffee has to be taken back, because of a supplier warning, a lab result or a
  packing fault (wrong label, foreign object, damaged valve). Everything stops until the recall
  page is live and the team has agreed the wording.
triggers: [recall, recalled, contaminated, "foreign object", "got sick", "made me sick", mould, "glass in"]
pause:
  all: true
holding_statement:
  text: |
    We are recalling one batch of our coffee as a precaution. Please check the batch code under the roast date before you brew. The batch, what to look for and how to get a full refund: https://northwind-roasters.example/recall?utm_source=social&utm_medium=holding&utm_campaign=recall
replies: [recall-apology, refund-issued, allergen-question]
escalation:
  - role: Head of Quality
    name: Jana Hoffmann
    contact: jana.hoffmann@example.com
  - role: Managing Director
    name: Paul Brandt
    contact: paul.brandt@example.com
checklist:
  - Confirm the batch codes and the number of bags sold with the packing log
  - Put the recall page live before the holding statement goes out
  - Email every customer who bought the batch, from the shop's order export
  - Tell café partners by phone, not only by email
  - Report to the food safety office (Lebensmittelaufsicht) if health is at risk
  - Answer every reply with the recall-apology template and log refunds
expires_after: 72h
`},
	{"shipping-outage", `# yaml-language-server: $schema=../schemas/playbook.schema.json
name: Shipping outage
severity: medium
description: >-
  Our shipping partner or the shop's label system is down, so parcels cannot leave the roastery.
  Selling more coffee we cannot send makes it worse, so product posts and promotions pause while
  everything else carries on.
triggers: ["where is my order", "not shipped", "no tracking", "still waiting", "parcel stuck"]
pause:
  pillars: [product]
  tags: [promo, gift, shipping, launch]
holding_statement:
  channels: [mastodon, bluesky]
  text: |
    Our shipping partner has a system outage, so parcels are not leaving the roastery today. Your coffee is roasted and packed, and it ships as soon as the system is back. Updates: https://northwind-roasters.example/status?utm_source=social&utm_medium=holding&utm_campaign=shipping-outage
replies: [outage-apology, shipping-delay]
escalation:
  - role: Operations Lead
    name: Tomasz Nowak
    contact: tomasz.nowak@example.com
  - role: Community Manager
    name: Mia Schulz
    contact: mia.schulz@example.com
checklist:
  - Check the carrier's status page and note the expected fix time
  - Switch the shop banner to the delay notice
  - Stop paid ads that link to product pages
  - Update the status page every four hours, even if nothing changed
  - When parcels move again, resolve the crisis and post a short all-clear
expires_after: 48h
`},
}

var replies = []namedFile{
	{"allergen-question", `# yaml-language-server: $schema=../schemas/reply.schema.json
title: Allergen or ingredient question
tags: [product, allergens]
variables:
  name:
    required: true
    description: Customer's first name
  product:
    required: true
    description: The coffee they asked about
text: |
  Hi {{name}}, our {{product}} is only roasted coffee beans, with nothing added. We roast and pack nothing but coffee, so no nuts, gluten or milk are handled in the room. If you have a severe allergy, email care@northwind-roasters.example and we will send you the full product sheet.
`},
	{"brewing-question", `# yaml-language-server: $schema=../schemas/reply.schema.json
title: Help with a brewing problem
tags: [brewing, education]
channels: [mastodon, bluesky]
variables:
  name:
    required: true
    description: Customer's first name
  method:
    required: true
    description: How they brew, for example "a V60" or "your moka pot"
  ratio:
    default: "1:16"
    pattern: "^1:[0-9]{1,2}$"
    description: Starting ratio of coffee to water
text: |
  Good question, {{name}}. For {{method}}, start at {{ratio}} and taste. Sour or thin means grind finer. Bitter or dry means grind coarser. Change one thing at a time. Our guide: https://northwind-roasters.example/brew?utm_source=reply&utm_medium=social&utm_campaign=brew-guides
`},
	{"job-application", `# yaml-language-server: $schema=../schemas/reply.schema.json
title: Someone asks about a job
tags: [jobs]
variables:
  name:
    required: true
    description: Applicant's first name
  role:
    default: roastery assistant
    description: The open role they asked about
text: |
  Hi {{name}}, thanks for your interest in the {{role}} job. Please send your CV and a few lines about your favourite cup to jobs@northwind-roasters.example. We read every application and reply within two weeks.
`},
	{"outage-apology", `# yaml-language-server: $schema=../schemas/reply.schema.json
title: Orders stuck during a shipping outage
tags: [orders, shipping, crisis]
variables:
  name:
    required: true
    description: Customer's first name
  days:
    default: "2"
    pattern: "^[0-9]{1,2}$"
    description: Working days we expect until parcels move again
text: |
  Hi {{name}}, our shipping partner has a system outage, so no parcels are leaving the roastery right now. Your coffee is roasted and packed. We expect it to ship within {{days}} working days, and we will email you the tracking link. Sorry for the wait.
`},
	{"recall-apology", `# yaml-language-server: $schema=../schemas/reply.schema.json
title: Customer has a recalled batch
tags: [recall, crisis]
variables:
  name:
    required: true
    description: Customer's first name
  batch:
    required: true
    pattern: "^[A-Z]{2}[0-9]{4}$"
    description: Batch code printed under the roast date, for example WB2612
text: |
  Hi {{name}}, thank you for telling us, and we are sorry. Please do not drink coffee from batch {{batch}}. Email a photo of the label to care@northwind-roasters.example and we refund you in full. You do not need to send the bag back. Details: https://northwind-roasters.example/recall?utm_source=reply&utm_medium=social&utm_campaign=recall
`},
	{"refund-issued", `# yaml-language-server: $schema=../schemas/reply.schema.json
title: Refund is on its way
tags: [orders, refunds]
variables:
  name:
    required: true
    description: Customer's first name
  amount:
    required: true
    pattern: "^€[0-9]+\\.[0-9]{2}$"
    description: Refunded amount, for example €14.50
  days:
    default: "5"
    pattern: "^[0-9]{1,2}$"
    description: Working days the bank usually needs
text: |
  Hi {{name}}, we have refunded {{amount}} to the card or account you paid with. Banks usually take up to {{days}} working days to show it. Thank you for your patience, and sorry again for the trouble.
`},
	{"shipping-delay", `# yaml-language-server: $schema=../schemas/reply.schema.json
title: Order is running late
tags: [orders, shipping]
variables:
  name:
    required: true
    description: Customer's first name
  order:
    required: true
    pattern: "^NW-[0-9]{5}$"
    description: Order number from the shop, for example NW-20417
  days:
    default: "3"
    pattern: "^[0-9]{1,2}$"
    description: Working days until the parcel leaves the roastery
text: |
  Hi {{name}}, sorry that order {{order}} is taking longer than it should. It leaves the roastery within {{days}} working days, and you will get the tracking link by email as soon as it does.
`},
	{"thanks-for-the-mention", `# yaml-language-server: $schema=../schemas/reply.schema.json
title: Thanks for the kind mention
tags: [community, thanks]
channels: [mastodon, bluesky]
variables:
  name:
    required: true
    description: Their first name or handle
text: |
  Thank you for the kind words, {{name}} ☕ That made the whole roastery smile today.
`},
	{"wholesale-enquiry", `# yaml-language-server: $schema=../schemas/reply.schema.json
title: Café or office asks about wholesale
tags: [wholesale, sales]
channels: [mastodon, bluesky]
variables:
  name:
    required: true
    description: Name of the person asking
  business:
    required: true
    description: Their café, restaurant or office
  contact:
    default: Dana
    description: Who on the wholesale team will follow up
text: |
  Thanks for thinking of us, {{name}}. We would love to hear more about {{business}}. Please email wholesale@northwind-roasters.example with your address and about how many kilos you use a week. {{contact}} will reply within two working days.
`},
	{"wrong-order", `# yaml-language-server: $schema=../schemas/reply.schema.json
title: Wrong coffee in the parcel
tags: [orders, mistakes]
variables:
  name:
    required: true
    description: Customer's first name
  ordered:
    required: true
    description: What they ordered, for example "La Esperanza, whole bean"
  received:
    required: true
    description: What we sent by mistake
  order:
    required: true
    pattern: "^NW-[0-9]{5}$"
    description: Order number, for example NW-20417
text: |
  Hi {{name}}, that one is on us, sorry. You ordered {{ordered}} and we sent {{received}}. The right bag for order {{order}} goes out tomorrow at no cost. Please keep the other one, or give it to a neighbour who likes coffee.
`},
}
