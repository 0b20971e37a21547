package pages

// roleName is a role as the staff page shows it.
func roleName(role string) string {
	for _, o := range roleOptions(role) {
		if o.Value == role {
			return o.Label
		}
	}
	return role
}

// RoleLabel is a role in a sentence: "booth staff", "a recruiter", "an admin".
func RoleLabel(role string) string {
	switch role {
	case "staff":
		return "booth staff"
	case "recruiter":
		return "a recruiter"
	case "admin":
		return "an admin"
	}
	return role
}
