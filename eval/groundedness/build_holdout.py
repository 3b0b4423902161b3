# Held-out groundedness set: written after the checker was built and never used to tune it.
import json
G, H = "grounded", "hallucinated"
ITEMS = [
 ("en", ["The conference takes place in Lisbon from 14 to 16 May. Early-bird tickets cost 300 euros until 1 March; after that the price is 450 euros."],
  [("The event is held in Lisbon between 14 and 16 May.", G), ("Tickets bought after 1 March cost 450 euros.", G),
   ("The conference takes place in Porto from 14 to 16 May.", H), ("Early-bird tickets cost 350 euros until 1 March.", H)]),
 ("en", ["The thermostat supports Wi-Fi but not Bluetooth. It runs on two AA batteries that last about a year."],
  [("It connects over Wi-Fi; Bluetooth is not supported.", G), ("Two AA batteries power it for roughly one year.", G),
   ("The thermostat supports Bluetooth.", H), ("Its batteries last about three years.", H)]),
 ("en", ["Customers must report damaged deliveries within 48 hours. Photos of the damage are required for every claim."],
  [("Damaged deliveries have to be reported within 48 hours, with photos.", G), ("Every claim needs photos of the damage.", G),
   ("Customers must report damaged deliveries within 48 days.", H), ("Photos are optional for damage claims.", H)]),
 ("en", ["The bridge, opened in 1937, is 2,737 metres long. It was the longest suspension bridge in the world until 1964."],
  [("Opened in 1937, the bridge measures 2737 metres.", G), ("Until 1964 it was the world's longest suspension bridge.", G),
   ("The bridge opened in 1933 and is 2,737 metres long.", H), ("It is still the longest suspension bridge in the world and carries a railway line.", H)]),
 ("en", ["Interns receive a monthly stipend of 1,200 dollars and may not work more than 30 hours per week."],
  [("Interns get 1200 dollars a month.", G), ("An intern can work at most 30 hours each week.", G),
   ("Interns receive a weekly stipend of 1,200 dollars.", H), ("Interns may work up to 40 hours per week and receive health insurance.", H)]),
 ("ko", ["학술대회는 5월 14일부터 16일까지 리스본에서 열립니다. 조기 등록권은 3월 1일까지 30만 원이며, 이후에는 45만 원입니다."],
  [("학술대회는 리스본에서 5월 14일~16일에 개최됩니다.", G), ("3월 1일 이후 등록하면 45만 원입니다.", G),
   ("학술대회는 포르투에서 5월 14일부터 16일까지 열립니다.", H), ("조기 등록권은 3월 1일까지 35만 원입니다.", H)]),
 ("ko", ["이 온도조절기는 와이파이를 지원하지만 블루투스는 지원하지 않습니다. AA 건전지 두 개로 약 1년 동안 작동합니다."],
  [("와이파이로 연결되며 블루투스는 지원되지 않습니다.", G), ("AA 건전지 2개로 대략 1년을 씁니다.", G),
   ("이 온도조절기는 블루투스를 지원합니다.", H), ("건전지는 약 3년 동안 지속됩니다.", H)]),
 ("ko", ["배송 중 파손은 48시간 이내에 신고해야 합니다. 모든 청구에는 파손 사진이 필요합니다."],
  [("파손된 배송은 48시간 안에 사진과 함께 신고해야 합니다.", G), ("청구할 때마다 파손 사진을 제출해야 합니다.", G),
   ("배송 중 파손은 48일 이내에 신고해야 합니다.", H), ("파손 청구에 사진은 필요하지 않습니다.", H)]),
 ("ko", ["1937년에 개통한 이 다리의 길이는 2,737미터입니다. 1964년까지 세계에서 가장 긴 현수교였습니다."],
  [("이 다리는 1937년에 개통했고 길이는 2737미터입니다.", G), ("1964년까지는 세계 최장 현수교였습니다.", G),
   ("이 다리는 1933년에 개통했으며 길이는 2,737미터입니다.", H), ("이 다리는 지금도 세계에서 가장 긴 현수교이며 철도도 지나갑니다.", H)]),
 ("ko", ["인턴은 매달 120만 원의 활동비를 받으며 주당 30시간을 초과하여 근무할 수 없습니다."],
  [("인턴 활동비는 월 120만 원입니다.", G), ("인턴은 일주일에 최대 30시간까지 일할 수 있습니다.", G),
   ("인턴은 매주 120만 원의 활동비를 받습니다.", H), ("인턴은 주당 40시간까지 근무할 수 있고 건강보험도 제공됩니다.", H)]),
]
with open("holdout.jsonl", "w", encoding="utf-8") as out:
    for lang, context, answers in ITEMS:
        for answer, label in answers:
            out.write(json.dumps({"context": context, "answer": answer, "label": label, "lang": lang}, ensure_ascii=False) + "\n")
