package models

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// demoNameStyle is how a demoCulture writes a full name.
type demoNameStyle int

const (
	demoGivenFirst  demoNameStyle = iota // "Ana Souza"
	demoFamilyFirst                      // "Nguyễn Văn An" (with a space)
	demoFamilyTight                      // "张伟" (no space)
)

// demoCulture is a set of names as people write them, each with an ASCII form for the email address.
type demoCulture struct {
	style    demoNameStyle
	given    [][2]string // {written, ascii}
	family   [][2]string
	domain   string // email domain of people from here
	phonePre string // phone prefix, "" for none
}

var demoCultures = []demoCulture{
	{demoGivenFirst, [][2]string{{"Lena", "lena"}, {"Jonas", "jonas"}, {"Jürgen", "juergen"}, {"Maximilian", "max"}, {"Sophie", "sophie"}, {"Dörte", "doerte"}},
		[][2]string{{"Müller", "mueller"}, {"Schmidt", "schmidt"}, {"Weiß", "weiss"}, {"Köhler", "koehler"}, {"Becker", "becker"}}, "example.de", "+49 "},
	{demoGivenFirst, [][2]string{{"Élodie", "elodie"}, {"Théo", "theo"}, {"Camille", "camille"}, {"Noël", "noel"}},
		[][2]string{{"Lefèvre", "lefevre"}, {"Dubois", "dubois"}, {"Moreau", "moreau"}, {"Girard", "girard"}}, "example.fr", "+33 "},
	{demoGivenFirst, [][2]string{{"Sofía", "sofia"}, {"José Luis", "joseluis"}, {"Lucía", "lucia"}, {"Íñigo", "inigo"}},
		[][2]string{{"García Márquez", "garcia"}, {"Fernández", "fernandez"}, {"Ruiz", "ruiz"}, {"Muñoz", "munoz"}}, "example.es", "+34 "},
	{demoGivenFirst, [][2]string{{"João", "joao"}, {"Ana María", "anamaria"}, {"Thiago", "thiago"}, {"Beatriz", "beatriz"}},
		[][2]string{{"Souza", "souza"}, {"Conceição", "conceicao"}, {"Araújo", "araujo"}, {"Lima", "lima"}}, "example.com.br", "+55 "},
	{demoGivenFirst, [][2]string{{"Giulia", "giulia"}, {"Niccolò", "niccolo"}, {"Francesca", "francesca"}},
		[][2]string{{"Rossi", "rossi"}, {"Esposito", "esposito"}, {"D'Angelo", "dangelo"}}, "example.it", "+39 "},
	{demoGivenFirst, [][2]string{{"Małgorzata", "malgorzata"}, {"Łukasz", "lukasz"}, {"Zofia", "zofia"}},
		[][2]string{{"Wiśniewska", "wisniewska"}, {"Kowalczyk", "kowalczyk"}, {"Wójcik", "wojcik"}}, "example.pl", "+48 "},
	{demoGivenFirst, [][2]string{{"Tereza", "tereza"}, {"Jiří", "jiri"}, {"Šárka", "sarka"}},
		[][2]string{{"Dvořák", "dvorak"}, {"Novotná", "novotna"}, {"Černý", "cerny"}}, "example.cz", "+420 "},
	{demoGivenFirst, [][2]string{{"Çağla", "cagla"}, {"Oğuz", "oguz"}, {"Elif", "elif"}, {"İbrahim", "ibrahim"}},
		[][2]string{{"Yılmaz", "yilmaz"}, {"Öztürk", "ozturk"}, {"Şahin", "sahin"}}, "example.com.tr", "+90 "},
	{demoGivenFirst, [][2]string{{"Ελένη", "eleni"}, {"Γιώργος", "giorgos"}, {"Κατερίνα", "katerina"}},
		[][2]string{{"Παπαδοπούλου", "papadopoulou"}, {"Νικολάου", "nikolaou"}, {"Οικονόμου", "oikonomou"}}, "example.gr", "+30 "},
	{demoGivenFirst, [][2]string{{"Анна", "anna"}, {"Дмитрий", "dmitry"}, {"Олена", "olena"}, {"Богдан", "bohdan"}},
		[][2]string{{"Иванова", "ivanova"}, {"Шевченко", "shevchenko"}, {"Смирнов", "smirnov"}}, "example.ua", "+380 "},
	{demoGivenFirst, [][2]string{{"ليلى", "layla"}, {"عمر", "omar"}, {"يوسف", "youssef"}, {"مريم", "mariam"}},
		[][2]string{{"الحسيني", "alhusseini"}, {"حداد", "haddad"}, {"منصور", "mansour"}}, "example.ae", "+971 "},
	{demoGivenFirst, [][2]string{{"נועה", "noa"}, {"איתי", "itai"}, {"תמר", "tamar"}},
		[][2]string{{"כהן", "cohen"}, {"לוי", "levi"}, {"מזרחי", "mizrahi"}}, "example.co.il", "+972 "},
	{demoGivenFirst, [][2]string{{"प्रिया", "priya"}, {"अर्जुन", "arjun"}, {"Ananya", "ananya"}, {"Rohan", "rohan"}},
		[][2]string{{"शर्मा", "sharma"}, {"Iyer", "iyer"}, {"Patel", "patel"}, {"Reddy", "reddy"}}, "example.in", "+91 "},
	{demoFamilyTight, [][2]string{{"伟", "wei"}, {"静", "jing"}, {"小龙", "xiaolong"}, {"秀英", "xiuying"}},
		[][2]string{{"张", "zhang"}, {"王", "wang"}, {"李", "li"}, {"欧阳", "ouyang"}}, "example.cn", ""},
	{demoFamilyTight, [][2]string{{"結衣", "yui"}, {"翔太", "shota"}, {"陽菜", "hina"}},
		[][2]string{{"佐藤", "sato"}, {"鈴木", "suzuki"}, {"高橋", "takahashi"}}, "example.jp", "+81 "},
	{demoFamilyTight, [][2]string{{"민준", "minjun"}, {"서연", "seoyeon"}, {"지호", "jiho"}},
		[][2]string{{"김", "kim"}, {"이", "lee"}, {"박", "park"}}, "example.kr", "+82 "},
	{demoFamilyFirst, [][2]string{{"Văn An", "an"}, {"Thị Hương", "huong"}, {"Minh Khoa", "khoa"}},
		[][2]string{{"Nguyễn", "nguyen"}, {"Trần", "tran"}, {"Phạm", "pham"}}, "example.vn", "+84 "},
	{demoGivenFirst, [][2]string{{"Chiamaka", "chiamaka"}, {"Oluwaseun", "seun"}, {"Ngozi", "ngozi"}},
		[][2]string{{"Okafor", "okafor"}, {"Adébáyọ̀", "adebayo"}, {"Eze", "eze"}}, "example.ng", "+234 "},
	{demoGivenFirst, [][2]string{{"Åsa", "asa"}, {"Björn", "bjorn"}, {"Sigrún", "sigrun"}},
		[][2]string{{"Lindqvist", "lindqvist"}, {"Ångström", "angstrom"}, {"Jónsdóttir", "jonsdottir"}}, "example.se", "+46 "},
	{demoGivenFirst, [][2]string{{"สมชาย", "somchai"}, {"Pim", "pim"}},
		[][2]string{{"ใจดี", "jaidee"}, {"Srisuk", "srisuk"}}, "example.th", "+66 "},
	{demoGivenFirst, [][2]string{{"Aoife", "aoife"}, {"Siobhán", "siobhan"}, {"Liam", "liam"}},
		[][2]string{{"O'Brien", "obrien"}, {"Ní Bhriain", "nibhriain"}, {"Murphy", "murphy"}}, "example.ie", "+353 "},
}

var demoCompanies = []string{
	"Nordlicht Software GmbH", "Acme, Inc.", `"Quantum" Labs`, "Müller & Söhne", "Datenfluss AG", "Pixelhaus",
	"Cloudberry Oy", "Kestrel Analytics", "株式会社サクラ", "Tenzing Robotics", "Estudio Brisa", "Freelance",
	"University of Amsterdam", "TU München", "Bitwise Bank", "Helios Energy", "Lumen Health", "", "",
}

var demoTitles = []string{
	"Backend Engineer", "Senior Software Engineer", "Data Scientist", "SRE", "Frontend Developer",
	"Engineering Manager", "PhD student", "Security Engineer", "ML Engineer", "Student", "Platform Engineer",
	"Staff Engineer", "Mobile Developer", "", "",
}

var demoMessages = []string{
	"", "", "", "", "Looking for remote roles in Europe.", "Open to relocation, need visa sponsorship.",
	"Graduating in June — interested in internships.", "I maintain a couple of open-source Go libraries.",
	"Ich suche eine Stelle in Berlin oder remote.", "Je cherche un poste backend, de préférence à Paris.",
	"Interested in your platform team.\nCan start in September.", "寻找后端开发职位，可以远程。",
	"Would love to hear about the Kubernetes work, esp. operators, CRDs, and the \"golden path\".",
}

var demoNotes = []string{
	"Strong Go background, asked about on-call.", "Great talk at the lightning session — wants to meet the data team.",
	"Junior, very motivated; suggest the internship track.", "Currently at a competitor, 5 yrs Kubernetes.",
	"Asked about salary bands and remote policy.", "Built a Postgres extension; deep SQL knowledge.",
	"Not looking right now, maybe next year.", "Wants relocation support (family of 4).",
	"Spoke German and English; prefers hybrid in Munich.", "Interested in security — did CTFs.",
	"Frontend heavy, some Go. Could fit the dashboard team.", "Met twice; second time brought a friend.",
	"Very senior, would be a staff-level hire.\nFollow up with the hiring manager.", "Asked about visa sponsorship.",
}

var demoFollowUps = []string{
	"", "", "", "Send the backend job ad", "Intro to the platform team lead", "Invite to the meetup on Thursday",
	"Send internship dates", "Schedule a call next week",
}

// DemoOptions shape the generated demo leads.
type DemoOptions struct {
	Leads     int         // how many leads
	Days      []time.Time // the event's days (midnight in the event's zone)
	Interests []string    // the event's interest options
	Staff     []int64     // staff ids who have the conversations
	Seed      uint64      // same seed, same people
}

// DemoLeads makes realistic sample leads for a demo event: names from many languages and
// scripts, arrivals over the event's days with busy spells after the morning keynote, at lunch
// and in the afternoon break, most with consents, many with one to three conversations and
// ratings. Nothing here is random across runs with the same seed.
func DemoLeads(o DemoOptions) []SeedLead {
	rng := rand.New(rand.NewPCG(o.Seed, 0x0b0074ead)) //nolint:gosec // demo data, the same for a seed: no secret
	out := make([]SeedLead, 0, o.Leads)
	seen := map[string]bool{}
	// Booth hours 9:00-18:00, demoWeighted: keynote ends 10:30, lunch 12:30-14:00, break 15:30.
	hourWeights := []int{2, 4, 9, 6, 4, 8, 7, 4, 7, 3} // 9h … 18h
	for i := 0; i < o.Leads; i++ {
		c := demoCultures[rng.IntN(len(demoCultures))]
		g := c.given[rng.IntN(len(c.given))]
		f := c.family[rng.IntN(len(c.family))]
		var name string
		switch c.style {
		case demoFamilyTight:
			name = f[0] + g[0]
		case demoFamilyFirst:
			name = f[0] + " " + g[0]
		default:
			name = g[0] + " " + f[0]
		}
		local := g[1] + "." + f[1]
		email := local + "@" + c.domain
		for n := 2; seen[email]; n++ {
			email = fmt.Sprintf("%s%d@%s", local, n, c.domain)
		}
		seen[email] = true

		day := o.Days[rng.IntN(len(o.Days))]
		hour := 9 + demoWeighted(rng, hourWeights)
		first := day.Add(time.Duration(hour)*time.Hour + time.Duration(rng.IntN(3600))*time.Second)
		l := SeedLead{Name: name, Email: email, FirstSeen: first, LastSeen: first, VisitCount: 1}
		l.Company = demoCompanies[rng.IntN(len(demoCompanies))]
		l.Title = demoTitles[rng.IntN(len(demoTitles))]
		l.Message = demoMessages[rng.IntN(len(demoMessages))]
		if c.phonePre != "" && rng.IntN(3) == 0 {
			l.Phone = fmt.Sprintf("%s%d %d", c.phonePre, 100+rng.IntN(900), 1000000+rng.IntN(9000000))
		}
		if rng.IntN(2) == 0 {
			l.LinkedIn = "https://www.linkedin.com/in/" + strings.ReplaceAll(local, ".", "-")
		}
		if rng.IntN(3) == 0 {
			l.GitHub = "https://github.com/" + strings.ReplaceAll(local, ".", "")
		}
		if rng.IntN(8) == 0 {
			l.CVURL = "https://cv.example.org/" + local + ".pdf"
		}
		for _, it := range o.Interests {
			if rng.IntN(4) == 0 {
				l.Interests = append(l.Interests, it)
			}
		}
		if len(l.Interests) == 0 && len(o.Interests) > 0 {
			l.Interests = []string{o.Interests[rng.IntN(len(o.Interests))]}
		}
		by := CapturedByCandidate
		switch r := rng.IntN(100); {
		case r < 62:
			l.Source = SourceSelfCheckIn
		case r < 87:
			l.Source = SourceBadgeScan
			l.BadgeCode = "BEGIN:VCARD\nVERSION:3.0\nFN:" + name + "\nEMAIL:" + email + "\nEND:VCARD"
			by = CapturedByStaff
		default:
			l.Source = SourceStaffManual
			by = CapturedByStaff
		}
		l.Consents = []SeedConsent{{Purpose: PurposeContact, CapturedBy: by, At: first}}
		if rng.IntN(5) < 2 {
			l.Consents = append(l.Consents, SeedConsent{Purpose: PurposeTalentPool, CapturedBy: by, At: first})
		}
		if rng.IntN(6) == 0 {
			l.VisitCount = 2 + rng.IntN(2)
			l.LastSeen = first.Add(time.Duration(30+rng.IntN(300)) * time.Minute)
		}
		at := first
		for n := demoConversations(rng); n > 0 && len(o.Staff) > 0; n-- {
			at = at.Add(time.Duration(2+rng.IntN(40)) * time.Minute)
			cv := SeedConversation{StaffID: o.Staff[rng.IntN(len(o.Staff))], At: at,
				Notes: demoNotes[rng.IntN(len(demoNotes))], FollowUp: demoFollowUps[rng.IntN(len(demoFollowUps))]}
			switch r := rng.IntN(100); {
			case r < 22:
				cv.Rating = "hot"
			case r < 62:
				cv.Rating = "warm"
			case r < 88:
				cv.Rating = "cold"
			}
			if at.After(l.LastSeen) {
				l.LastSeen = at
			}
			l.Conversations = append(l.Conversations, cv)
		}
		out = append(out, l)
	}
	return out
}

// demoConversations is how many conversations a demo lead had: most one, some none, a few more.
func demoConversations(rng *rand.Rand) int {
	switch r := rng.IntN(100); {
	case r < 30:
		return 0
	case r < 80:
		return 1
	case r < 95:
		return 2
	}
	return 3
}

// demoWeighted returns an index into weights, chosen in proportion to them.
func demoWeighted(rng *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	r := rng.IntN(total)
	for i, w := range weights {
		if r < w {
			return i
		}
		r -= w
	}
	return len(weights) - 1
}
