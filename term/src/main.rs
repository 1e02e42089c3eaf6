fn main() {
    println!("vex");
}
