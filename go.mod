module gouv

go 1.26
