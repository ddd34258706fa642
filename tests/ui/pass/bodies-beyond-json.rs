// `multipart/form-data`, `application/octet-stream` and `text/*` request bodies;
// binary inputs are `Vec<u8>`, binary response bodies `Vec<u8>`, text ones `String`.
mod wf {
    arazzo::arazzo_workflow!("tests/specs/arazzo/files.arazzo.yaml");
}

use wf::store_files as files;

fn _types(i: files::Inputs, o: files::Outputs) {
    let _title: String = i.title;
    let _file: Vec<u8> = i.file;
    let _thumbnail: Option<Vec<u8>> = i.thumbnail;
    let _blob: Vec<u8> = i.blob;
    let _id: String = o.id;
    let _message: String = o.message;
    let _data: Vec<u8> = o.data;
    let _image: Vec<u8> = o.image;
    let _echo: String = o.echo;
}

fn _steps(s: files::steps::GetBlobOutputs, t: files::steps::GetImageOutputs) {
    let _data: Vec<u8> = s.data;
    let _image: Vec<u8> = t.image;
}

fn _calls(client: &arazzo::Client, i: &files::Inputs) {
    let _ = async { files::run(client, i).await };
}

fn main() {}
