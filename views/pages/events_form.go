package pages

import "strings"

// zoneOptions is the time zone list with the current zone in it (first, if the list lacks it).
func zoneOptions(current string) []string {
	current = strings.TrimSpace(current)
	for _, z := range TimeZones {
		if z == current {
			return TimeZones
		}
	}
	if current == "" {
		return TimeZones
	}
	return append([]string{current}, TimeZones...)
}

func zoneDescribedBy(err string) string {
	if err != "" {
		return "f-time_zone-hint f-time_zone-error"
	}
	return "f-time_zone-hint"
}

func zoneInvalid(err string) string {
	if err != "" {
		return "true"
	}
	return "false"
}

// consentHint explains the contact consent text; a new event's form shows the default filled in.
func consentHint(vm EventFormVM) string {
	h := "Shown in full next to the required box. Name your company, the purpose, the data, how long you keep it and the person's rights."
	if vm.IsNew {
		h += " This is the default text: keep it as it is and it is written for the event as you save it " +
			"(its name, company and retention), or change it to your own words."
	} else {
		h += " Left empty, the default is used."
	}
	return h + " A change becomes a new version; consents already given keep the version they saw."
}
