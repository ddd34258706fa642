// The first argument is the path as a string literal.
arazzo::arazzo_workflow!(specs::workflow);

fn main() {}
